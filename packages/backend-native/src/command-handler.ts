import { access, constants, realpath } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';
import { type HandlerExecutor, OpenWorkflowError } from '@openworkflow/core';
import type { CommandHandler, JsonValue } from '@openworkflow/schemas';
import { type MonotonicClock, monotonicClock, openAttemptScope } from './attempt-scope.js';
import { renderConfigText, type TemplateScope, templateScope } from './config-templates.js';
import { boundMessage, connectorFailure, parseJson, readConnectorReply } from './envelope.js';
import { invalidField, misrouted, policyViolation } from './executor-errors.js';
import { COMMAND_KILL_GRACE_MS, MAX_COMMAND_STDERR_BYTES, MAX_COMMAND_STDOUT_BYTES } from './limits.js';
import { type ProcessResult, runProcess } from './process-runner.js';

/** Options of {@link createCommandHandler}, set by the operator (not by connectors). */
export interface CommandHandlerOptions {
  /**
   * The directory commands run in and `working_dir` must stay inside (after resolving symlinks).
   * Relative `allowedCommands` entries are relative to it.
   */
  readonly workspaceRoot: string;
  /** An operator-wide allowlist applied on top of each handler's own `allowedCommands`. */
  readonly allowedCommands?: readonly string[];
  /**
   * Names copied from the run's environment into the child's (the child inherits nothing else).
   * Default {@link DEFAULT_PASSED_ENVIRONMENT}.
   */
  readonly passEnvironment?: readonly string[];
  readonly maxStdoutBytes?: number;
  readonly maxStderrBytes?: number;
  readonly killGraceMs?: number;
  /** Default: `performance.now()`. */
  readonly clock?: MonotonicClock;
}

/** What a child needs to find programs and behave predictably, and nothing that carries credentials. */
export const DEFAULT_PASSED_ENVIRONMENT: readonly string[] = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'SYSTEMROOT',
  'TEMP',
  'TMP',
];

/**
 * Environment keys a handler may not set: they make an interpreter, loader or tool run code the
 * command did not ask for (`NODE_OPTIONS=--require`, `LD_PRELOAD`, `BASH_ENV`, `GIT_SSH_COMMAND`),
 * or change which program a name resolves to (`PATH`). Compared case-insensitively (Windows).
 */
const DENIED_ENV_KEYS = new Set([
  'PATH',
  'PATHEXT',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_REPL_EXTERNAL_MODULE',
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'IFS',
  'CDPATH',
  'GLOBIGNORE',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
  'GIT_ASKPASS',
  'GIT_PROXY_COMMAND',
  'GIT_EXTERNAL_DIFF',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_PARAMETERS',
  'SSH_ASKPASS',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PYTHONINSPECT',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'GCONV_PATH',
  'HOSTALIASES',
  'LOCPATH',
  'NLSPATH',
  'RESOLV_HOST_CONF',
  'COMSPEC',
]);
const DENIED_ENV_PREFIXES = ['LD_', 'DYLD_', 'BASH_FUNC_', 'MALLOC_', 'GIT_CONFIG_'];
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The executor for `handler: { command, args, env, working_dir }`: the input goes to stdin as
 * JSON, stdout is the output. No shell is involved at any point; see spec/handlers.md for every
 * rule this enforces.
 *
 * @example
 * const executor = createCommandHandler({ workspaceRoot: '/srv/project', allowedCommands: ['./scripts/*'] });
 */
export function createCommandHandler(options: CommandHandlerOptions): HandlerExecutor {
  const clock = options.clock ?? monotonicClock;
  return {
    type: 'command',
    async execute({ connector, action, input, context }) {
      const handler = action.handler;
      if (handler.type !== 'command') throw misrouted(handler.type, 'command');
      const scope = templateScope(connector, input, context);
      const args = renderArgs(handler, scope);
      const env = childEnvironment(handler, scope, context.environment, options.passEnvironment);
      const root = await workspaceRoot(options.workspaceRoot);
      const cwd = await workingDirectory(root, handler.workingDir);
      const file = await resolveExecutable(handler.command, cwd, env.PATH);
      checkAllowed(handler, file, root, handler.allowedCommands, 'allowedCommands');
      checkAllowed(handler, file, root, options.allowedCommands, 'options.allowedCommands');

      const timeoutMs = handler.timeoutMs ?? connector.runtime.timeoutMs;
      const attempt = openAttemptScope(context.signal, timeoutMs, clock);
      let result: ProcessResult;
      try {
        result = await runProcess({
          file,
          args,
          env,
          cwd,
          stdin: JSON.stringify(input),
          signal: attempt.signal,
          maxStdoutBytes: options.maxStdoutBytes ?? MAX_COMMAND_STDOUT_BYTES,
          maxStderrBytes: options.maxStderrBytes ?? MAX_COMMAND_STDERR_BYTES,
          killGraceMs: options.killGraceMs ?? COMMAND_KILL_GRACE_MS,
        });
      } catch (error) {
        throw attempt.failure(error);
      } finally {
        attempt.close();
      }
      if (attempt.signal.aborted) throw attempt.failure(undefined);
      return commandOutput(handler.command, result);
    },
  };
}

/**
 * Renders `args`. A rendered value that starts with `-` where its template did not is a user
 * value turning into an option (`--upload-pack=…`, CMD-3) and is refused, unless an earlier
 * literal `--` argument ends option parsing. We refuse instead of inserting `--` ourselves because
 * not every program understands `--`, and inserting it silently changes what they receive.
 */
function renderArgs(handler: CommandHandler, scope: TemplateScope): string[] {
  let endOfOptions = false;
  return handler.args.map((template, index) => {
    const field = `args[${index}]`;
    const value = renderConfigText(template, scope, field).value;
    rejectNul(value, field);
    if (!endOfOptions && value.startsWith('-') && !template.startsWith('-')) {
      throw policyViolation(
        `${field} renders to an option ('-…'); put a literal '--' argument before it`,
        'option_injection',
        {
          field,
        },
      );
    }
    if (template === '--') endOfOptions = true;
    return value;
  });
}

function childEnvironment(
  handler: CommandHandler,
  scope: TemplateScope,
  environment: Readonly<Record<string, string>>,
  passed: readonly string[] = DEFAULT_PASSED_ENVIRONMENT,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of passed) {
    const value = environment[name];
    if (value !== undefined && Object.hasOwn(environment, name)) env[name] = value;
  }
  for (const [key, template] of Object.entries(handler.env)) {
    const field = `env.${key}`;
    if (!ENV_KEY.test(key)) {
      throw invalidField(`Environment variable name '${key}' is not valid`, field, 'env_key');
    }
    const upper = key.toUpperCase();
    if (DENIED_ENV_KEYS.has(upper) || DENIED_ENV_PREFIXES.some((prefix) => upper.startsWith(prefix))) {
      throw policyViolation(`Environment variable '${key}' may not be set by a handler`, 'env_denylist', {
        field,
      });
    }
    const value = renderConfigText(template, scope, field).value;
    rejectNul(value, field);
    env[key] = value;
  }
  return env;
}

async function workspaceRoot(configured: string): Promise<string> {
  try {
    return await realpath(configured);
  } catch (cause) {
    throw new OpenWorkflowError('INTERNAL_ERROR', 'The command workspace root does not exist', {
      details: { error_type: 'WorkspaceRootMissing' },
      cause,
    });
  }
}

/** Resolves `working_dir` (relative to the workspace) and refuses anything outside it, symlinks included. */
async function workingDirectory(root: string, workingDir: string | undefined): Promise<string> {
  if (workingDir === undefined) return root;
  rejectNul(workingDir, 'working_dir');
  let real: string;
  try {
    real = await realpath(resolve(root, workingDir));
  } catch {
    throw invalidField('working_dir does not exist', 'working_dir', 'exists');
  }
  if (!isInside(root, real)) {
    throw policyViolation('working_dir is outside the workspace', 'working_dir_outside_workspace', {
      field: 'working_dir',
    });
  }
  return real;
}

/**
 * The absolute, symlink-free path of the program: what is checked is what runs. A name without a
 * slash is looked up on the child's PATH; a path is relative to the working directory.
 */
async function resolveExecutable(command: string, cwd: string, path: string | undefined): Promise<string> {
  rejectNul(command, 'command');
  if (command.trim() === '') throw invalidField('command is empty', 'command', 'required');
  refuseBatchFile(command);
  const candidates = /[/\\]/.test(command)
    ? [resolve(cwd, command)]
    : (path ?? '')
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      const real = await realpath(candidate);
      refuseBatchFile(real);
      return real;
    } catch (error) {
      if (OpenWorkflowError.is(error)) throw error;
    }
  }
  throw new OpenWorkflowError('UNAVAILABLE', `Command '${command}' was not found or is not executable`, {
    details: { command, suggestion: 'Install it, or fix the path (relative paths start at working_dir)' },
  });
}

/**
 * Windows runs `.bat`/`.cmd` files through `cmd.exe` even without `shell: true`, which re-parses
 * the arguments (BatBadBut, CVE-2024-27980). Refused on every platform so a connector behaves the
 * same everywhere. Windows ignores trailing dots and spaces, so `x.bat.` counts too.
 */
function refuseBatchFile(command: string): void {
  if (/\.(bat|cmd)$/i.test(command.replace(/[.\s]+$/, ''))) {
    throw policyViolation('Batch files (.bat, .cmd) cannot be run without a shell safely', 'batch_file', {
      command,
    });
  }
}

/**
 * An `allowedCommands` entry without a slash names a program on PATH (`node`); an entry with a
 * slash is a path or glob (`./scripts/*.sh`, `/usr/bin/**`) resolved against the workspace and
 * matched against the program's real path, so a symlink cannot smuggle another program in.
 */
function checkAllowed(
  handler: CommandHandler,
  file: string,
  root: string,
  allowed: readonly string[] | undefined,
  field: string,
): void {
  if (allowed === undefined || allowed.length === 0) return;
  const matches = allowed.some((entry) =>
    /[/\\]/.test(entry) ? globToRegExp(resolve(root, entry)).test(file) : entry === handler.command,
  );
  if (!matches) {
    throw policyViolation(`Command '${handler.command}' is not in ${field}`, 'command_not_allowed', {
      command: handler.command,
    });
  }
}

/** `**` crosses directories, `*` and `?` do not; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      pattern += '.*';
      index += 1;
    } else if (char === '*') pattern += `[^${escapeRegExp(sep)}/]*`;
    else if (char === '?') pattern += `[^${escapeRegExp(sep)}/]`;
    else pattern += escapeRegExp(char);
  }
  return new RegExp(`^${pattern}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Turns the finished process into the step output or failure. */
function commandOutput(command: string, result: ProcessResult): JsonValue {
  const details = {
    command,
    exit_code: result.exitCode,
    ...(result.signal === null ? {} : { signal: result.signal }),
    ...(result.stderr.truncated ? { stderr_truncated: true } : {}),
  };
  const stdout = result.stdout.truncated ? undefined : result.stdout.text.trim();
  const parsed = stdout === undefined || stdout === '' ? undefined : parseJson(stdout);
  const reply = parsed === undefined ? undefined : readConnectorReply(parsed);

  if (result.exitCode !== 0) {
    if (reply?.kind === 'error') throw connectorFailure(reply.message, reply.code, 'BACKEND_ERROR', details);
    const stderr = result.stderr.text.trim();
    const message =
      stderr !== ''
        ? stderr
        : result.signal !== null
          ? `Command was ended by ${result.signal}`
          : `Command exited with code ${result.exitCode}`;
    throw new OpenWorkflowError('BACKEND_ERROR', boundMessage(message), { details });
  }
  if (reply?.kind === 'error') throw connectorFailure(reply.message, reply.code, 'BACKEND_ERROR', details);
  if (reply !== undefined) return reply.value;
  if (stdout === '') return null;
  // Text output (or JSON cut short by the cap) is returned as text, flagged, never guessed at.
  const text = result.stdout.truncated
    ? `${result.stdout.text}\n[truncated: ${result.stdout.bytes} bytes in total]`
    : result.stdout.text;
  return { stdout: text, truncated: result.stdout.truncated, stdout_bytes: result.stdout.bytes };
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

function rejectNul(value: string, field: string): void {
  if (value.includes('\0')) throw invalidField(`${field} contains a NUL byte`, field, 'no_nul');
}
