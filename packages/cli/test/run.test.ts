import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProjectLayout } from '../src/project-root.js';
import { BIN, cli, temporaryDirectory } from './helpers.js';

const exec = promisify(execFile);

const SECRET_NAME = 'OW_CLI_TEST_TOKEN';
const SECRET = 'canary-7f3a9c2e51d04b8b';

let dir: { path: string; remove: () => Promise<void> };

const SECRET_FLOW = `workflows:
  - name: Leaky
    steps:
      - id: echo
        connector: connector:test/echo@1.0.0
        action: say
        input: { header: "Bearer {{ secrets.${SECRET_NAME} }}" }
      - id: explode
        connector: connector:test/echo@1.0.0
        action: fail
        input: { token: "{{ secrets.${SECRET_NAME} }}" }
        continue_on_error: true
    outputs:
      header: { value: "{{ steps.echo.output.header }}" }
`;

const ECHO_CONNECTOR = `connector:
  type: connector
  kind: sdk
  name: echo
  namespace: test
  version: 1.0.0
  displayName: Echo
  description: Echoes its input, or fails quoting it
actions:
  - name: say
    description: Echo the input
    handler: { function: echo.say }
  - name: fail
    description: Fail with a message quoting the input
    handler: { function: echo.fail }
`;

// A project config with plain handlers (no imports, so it loads from a temporary directory).
const ECHO_CONFIG = `export default {
  handlers: {
    'echo.say': (input) => ({ ...input }),
    'echo.fail': (input) => {
      throw new Error('cannot use ' + input.token);
    },
  },
};
`;

beforeAll(async () => {
  dir = await temporaryDirectory();
  await mkdir(join(dir.path, 'secret/connectors'), { recursive: true });
  await writeFile(join(dir.path, 'secret/flow.yaml'), SECRET_FLOW);
  await writeFile(join(dir.path, 'secret/connectors/echo.yaml'), ECHO_CONNECTOR);
  await writeFile(join(dir.path, 'secret/openworkflow.config.mjs'), ECHO_CONFIG);
  process.env[SECRET_NAME] = SECRET;
});
afterAll(async () => {
  delete process.env[SECRET_NAME];
  await dir.remove();
});

describe('openworkflow run', () => {
  it('runs the calculator example with progress lines and prints its outputs', async () => {
    const run = await cli(['run', 'examples/calculator/compound-interest.yaml']);
    expect(run.stderr).toContain('step rate_to_decimal succeeded (1 attempt');
    expect(run.stderr).toContain('step interest_earned succeeded (1 attempt');
    expect(run.stderr).toContain('run succeeded');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ Compound Interest Calculator succeeded \(4 steps, /);
    expect(run.stdout).toMatch(/final_amount: 1628\.89\d*/);
    expect(run.stdout).toMatch(/interest_earned: 628\.89\d*/);
  }, 60_000);

  it('takes inputs from --input and --input-file; --json prints the result only', async () => {
    await writeFile(join(dir.path, 'inputs.json'), JSON.stringify({ principal: 2000, years: 1 }));
    const run = await cli([
      'run',
      'examples/calculator/compound-interest.yaml',
      '--input-file',
      join(dir.path, 'inputs.json'),
      '--input',
      'rate=10',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as {
      status: string;
      outputs: Record<string, number>;
      steps: Record<string, { attempts: number }>;
    };
    expect(result.status).toBe('success');
    expect(result.outputs.final_amount).toBeCloseTo(2200, 6);
    expect(result.steps.final_amount?.attempts).toBe(1);
  }, 60_000);

  it('draws a live tree on a terminal', async () => {
    const run = await cli(['run', 'examples/calculator/compound-interest.yaml'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('\u001b[J');
    const finalDrawing = run.stderr.slice(run.stderr.lastIndexOf('\u001b[J') + 3);
    expect(finalDrawing).toMatch(/^Run \S+: Compound Interest Calculator/);
    for (const step of ['rate_to_decimal', 'calculate_power', 'final_amount', 'interest_earned']) {
      expect(finalDrawing).toMatch(new RegExp(`^  ✓ ${step}  success  1 attempt  \\d+ ms`, 'm'));
    }
  }, 60_000);

  it('exits with the code of the run error: a connector failure is BACKEND_ERROR (4)', async () => {
    const run = await cli(['run', 'examples/calculator/chain.yaml', '--workflow', 'Divide By Zero']);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^✗ Divide By Zero failed .*: BACKEND_ERROR/m);
    expect(run.stdout).toMatch(/step divide failed after 1 attempt\(s\): BACKEND_ERROR/);
    expect(run.stderr).toContain('step divide failed');
  }, 60_000);

  it('an input of the wrong type fails VALIDATION (exit 2); an undeclared one is warned about', async () => {
    const wrong = await cli([
      'run',
      'examples/calculator/compound-interest.yaml',
      '--input',
      'principal=abc',
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain("VALIDATION Input 'principal' must be of type number");
    const unknown = await cli(['run', 'examples/calculator/compound-interest.yaml', '--input', 'princpal=5']);
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain(
      "openworkflow: warning: 'Compound Interest Calculator' declares no input 'princpal' (inputs: principal, rate, years)",
    );
  }, 60_000);

  it('bad inputs and bad flags are rejected before anything runs', async () => {
    const pair = await cli(['run', 'examples/calculator/chain.yaml', '--input', 'novalue']);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain("--input expects key=value (got 'novalue')");
    const file = await cli(['run', 'examples/calculator/chain.yaml', '--input-file', 'missing.json']);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('openworkflow: VALIDATION: cannot read missing.json');
    const several = await cli(['run', 'examples/calculator/chain.yaml']);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain("--workflow 'Calculator Chain'");
    const port = await cli(['run', 'examples/calculator/chain.yaml', '--metrics-port', 'http']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--metrics-port must be a port number');
    const level = await cli(['run', 'examples/calculator/chain.yaml', '--log-level', 'loud']);
    expect(level.code).toBe(2);
    const otlp = await cli(['run', 'examples/calculator/chain.yaml', '--otlp-endpoint', 'jaeger:4318']);
    expect(otlp.code).toBe(2);
    expect(otlp.stderr).toContain('--otlp-endpoint must be an http:// or https:// URL');
  });

  it('masks secret values in everything it prints: progress, results, errors and logs', async () => {
    const outputs = [];
    for (const extra of [[], ['--json'], ['--log-format', 'json', '--log-level', 'debug']]) {
      const run = await cli(['run', 'secret/flow.yaml', ...extra], { cwd: dir.path });
      outputs.push(run);
      expect(run.code).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
      expect(`${run.stdout}${run.stderr}`).not.toContain(Buffer.from(SECRET).toString('base64'));
    }
    expect(outputs[0]!.stdout).toContain(`header: "Bearer [REDACTED:${SECRET_NAME}]"`);
    // The failing step's message quoted the secret; the progress line shows it masked.
    expect(outputs[0]!.stderr).toMatch(/step explode failed .*\[REDACTED:OW_CLI_TEST_TOKEN\]/);
    expect(outputs[1]!.stdout).toContain(`[REDACTED:${SECRET_NAME}]`);
    // The log lines exist (so the check above saw them) and carry run ids.
    expect(outputs[2]!.stderr).toMatch(/"runId"|"run_id"/);
  }, 60_000);
});

describe('openworkflow run as a process', () => {
  it('never prints the secret, in any stream or encoding, with logs on', async () => {
    const result = await exec(
      process.execPath,
      [BIN, 'run', 'secret/flow.yaml', '--log-format', 'text', '--log-level', 'debug'],
      {
        cwd: dir.path,
        env: { ...process.env, [SECRET_NAME]: SECRET },
      },
    );
    const everything = `${result.stdout}${result.stderr}`;
    expect(result.stdout).toContain(`[REDACTED:${SECRET_NAME}]`);
    for (const form of [SECRET, Buffer.from(SECRET).toString('base64'), encodeURIComponent(`x ${SECRET}`)]) {
      expect(everything).not.toContain(form);
    }
  }, 60_000);

  it('Ctrl-C cancels the run: it ends canceled and exits 6', async () => {
    const flow = join(dir.path, 'slow.yaml');
    await writeFile(
      flow,
      'workflows:\n  - name: Slow\n    steps:\n      - id: nap\n        type: wait\n        duration: 30\n',
    );
    const interrupt = new AbortController();
    const pending = cli(['run', flow], { signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 500);
    const run = await pending;
    expect(run.code).toBe(6);
    expect(run.stdout).toMatch(/^✗ Slow was canceled .*: CANCELED/m);
    expect(run.stderr).toContain('step nap canceled');
  }, 60_000);
});

describe('openworkflow run telemetry flags', () => {
  let collector: Server;
  const requests: string[] = [];
  beforeAll(async () => {
    collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push(`${request.method} ${request.url} ${body.length}`);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('--metrics-port serves Prometheus metrics and --otlp-endpoint exports spans', async () => {
    const { port } = collector.address() as AddressInfo;
    const run = await cli([
      'run',
      'examples/calculator/compound-interest.yaml',
      '--metrics-port',
      '0',
      '--otlp-endpoint',
      `http://127.0.0.1:${port}`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/metrics were served at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(requests.some((line) => line.startsWith('POST /v1/traces '))).toBe(true);
  }, 60_000);

  it('the metrics endpoint answers while the run is in progress', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const flow = join(dir.path, 'metered.yaml');
    await writeFile(
      flow,
      'workflows:\n  - name: Metered\n    steps:\n      - id: first\n        type: transform\n        language: template\n        expression: "x"\n      - id: nap\n        type: wait\n        duration: 30\n',
    );
    const interrupt = new AbortController();
    const pending = cli(['run', flow, '--metrics-port', String(port)], { signal: interrupt.signal });
    let exposition = '';
    for (
      let attempt = 0;
      attempt < 200 && !exposition.includes('openworkflow_steps_finished_total{');
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      exposition = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
    }
    interrupt.abort();
    const run = await pending;
    expect(exposition).toMatch(/^openworkflow_runs_active\{workflow="Metered"\} 1$/m);
    expect(exposition).toMatch(/^openworkflow_steps_finished_total\{[^}]*status="success"[^}]*\} 1$/m);
    expect(run.code).toBe(6);
  }, 60_000);

  it('--log-format text writes log lines to stderr, not stdout', async () => {
    const run = await cli(['run', 'examples/calculator/compound-interest.yaml', '--log-format', 'text']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/run\.completed|run completed/);
    expect(run.stdout).not.toMatch(/run\.completed/);
  }, 60_000);
});

describe('run --env', () => {
  it('exposes only the variables named on the command line as env', async () => {
    const flow = join(dir.path, 'env.yaml');
    await writeFile(
      flow,
      'workflows:\n  - name: Env\n    steps:\n      - id: a\n        type: transform\n        language: template\n        expression: "{{ env.GREETING }} {{ env.CITY }} [{{ env.OTHER }}]"\n    outputs:\n      said: { value: "{{ steps.a.output.result }}" }\n',
    );
    const run = await cli(['run', flow, '--env', 'GREETING', '-e', 'CITY=Oslo'], {
      env: { GREETING: 'Hei', OTHER: 'hidden' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('said: "Hei Oslo []"');
    const unset = await cli(['run', flow, '--env', 'NOPE'], { env: {} });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('--env NOPE: the variable is not set');
  }, 60_000);
});

describe('project layout', () => {
  it('a workflow under .openworkflow/workflows/ uses the root connectors/ and config', async () => {
    const project = join(dir.path, 'layout');
    await mkdir(join(project, '.openworkflow/workflows'), { recursive: true });
    await mkdir(join(project, 'connectors'), { recursive: true });
    await writeFile(join(project, 'connectors/echo.yaml'), ECHO_CONNECTOR);
    await writeFile(join(project, 'openworkflow.config.mjs'), ECHO_CONFIG);
    await writeFile(
      join(project, '.openworkflow/workflows/echo.yaml'),
      `workflows:
  - name: Echo
    steps:
      - id: say
        connector: connector:test/echo@1.0.0
        action: say
        input: { word: "{{ inputs.word }}" }
    outputs:
      said: { value: "{{ steps.say.output.word }}" }
`,
    );
    expect(await findProjectLayout(join(project, '.openworkflow/workflows/echo.yaml'))).toEqual({
      root: project,
      connectorsDir: join(project, 'connectors'),
      config: join(project, 'openworkflow.config.mjs'),
    });
    // A file with connectors/ beside it is its own project: the SDK's defaults apply.
    expect(await findProjectLayout(join(project, 'openworkflow.config.mjs'))).toEqual({});
    const run = await cli(['run', '.openworkflow/workflows/echo.yaml', '--input', 'word=ping'], {
      cwd: project,
    });
    expect(run.stderr).toContain('step say succeeded');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('said: "ping"');
    // --config replaces the project's config module.
    await writeFile(
      join(dir.path, 'alternative.config.mjs'),
      "export default { handlers: { 'echo.say': ({ word }) => ({ word: 'alt:' + word }) } };\n",
    );
    const alternative = await cli(
      [
        'run',
        '.openworkflow/workflows/echo.yaml',
        '--input',
        'word=ping',
        '--config',
        '../alternative.config.mjs',
      ],
      { cwd: project },
    );
    expect(alternative.code).toBe(0);
    expect(alternative.stdout).toContain('said: "alt:ping"');
  }, 60_000);
});

describe('init then run', () => {
  it('the scaffolded project runs', async () => {
    const project = join(dir.path, 'fresh');
    expect((await cli(['init', project])).code).toBe(0);
    const run = await cli(['run', '.openworkflow/workflows/hello.yaml', '--input', 'name=Ada'], {
      cwd: project,
    });
    expect(run.stderr).toContain('step greet succeeded');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('greeting: "Hello, Ada!"');
    expect(run.stdout).toContain('letters: 3');
  }, 60_000);
});
