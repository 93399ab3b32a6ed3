import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, temporaryDirectory } from './helpers.js';

const run = promisify(execFile);
const RECORDER = new URL('./fixtures/record-modules.mjs', import.meta.url).href;

/** Module names the validate path must never load (spec/cli.md#startup). */
const HEAVY = [
  /langchain/i,
  /[\\/]openai[\\/]/,
  /anthropic/i,
  /modelcontextprotocol/,
  /[\\/](pg|pg-pool|better-sqlite3|sqlite3|mysql2?)[\\/]/,
  /[\\/]pino[\\/]/,
  /prom-client/,
  /opentelemetry/,
  /@openworkflow[\\/](sdk|observability|secrets|backend-[a-z]+|agents|mcp|store-[a-z]+)[\\/]/,
  /packages[\\/](sdk|observability|secrets|backend-[a-z]+|agents|mcp|store-[a-z]+)[\\/]/,
];

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await temporaryDirectory();
});
afterAll(() => dir.remove());

/** Runs the built CLI as its own process with module recording on; returns what it loaded. */
async function loadedModules(
  args: readonly string[],
  name: string,
): Promise<{ modules: string[]; stdout: string }> {
  const record = join(dir.path, `${name}.txt`);
  const result = await run(process.execPath, ['--import', RECORDER, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OW_RECORD_MODULES: record },
  });
  const modules = (await readFile(record, 'utf8')).trim().split('\n');
  return { modules, stdout: result.stdout };
}

/** Loaded modules that are neither Node built-ins nor files of the CLI package itself. */
function outsideTheBundle(modules: readonly string[]): string[] {
  return modules.filter((entry) => {
    const name = entry.replace(/^(esm|cjs):/, '');
    return !isBuiltin(name) && !name.includes('/packages/cli/');
  });
}

/** Sizes of the loaded files of the CLI's bundle. */
async function bundleFileSizes(modules: readonly string[]): Promise<number[]> {
  const files = modules
    .map((entry) => entry.replace(/^esm:/, ''))
    .filter((url) => url.startsWith('file:') && url.includes('/packages/cli/dist/bundle/'));
  return Promise.all(files.map(async (url) => (await stat(fileURLToPath(url))).size));
}

describe('startup', () => {
  it('validate loads only the bundled loader: no LangChain, model SDKs, MCP, drivers or telemetry', async () => {
    const { modules } = await loadedModules(['validate', 'examples/calculator/chain.yaml'], 'validate');
    // The recorder works: it saw the CLI entry and the validate chunk.
    expect(modules.some((url) => /dist\/bundle\/openworkflow\.js$/.test(url))).toBe(true);
    expect(modules.some((url) => /dist\/bundle\/validate-[A-Z0-9]+\.js$/.test(url))).toBe(true);
    for (const pattern of HEAVY) {
      expect(modules.filter((url) => pattern.test(url))).toEqual([]);
    }
    // Nothing outside the bundle and Node's built-ins is imported at all.
    expect(outsideTheBundle(modules)).toEqual([]);
  }, 60_000);

  it('the other light commands stay inside the bundle too', async () => {
    for (const args of [
      ['list', 'examples/weather'],
      ['describe', 'examples/weather/workflows.yaml'],
      ['graph', 'examples/calculator/chain.yaml', '-w', 'Calculator Chain', '-f', 'dot'],
    ]) {
      const { modules, stdout } = await loadedModules(args, args[0]!);
      expect(stdout.length).toBeGreaterThan(0);
      expect(outsideTheBundle(modules)).toEqual([]);
    }
  }, 60_000);

  it('run imports the SDK and the one installed loader, not the bundled copy', async () => {
    const { modules, stdout } = await loadedModules(
      ['run', 'examples/calculator/compound-interest.yaml'],
      'run',
    );
    expect(stdout).toContain('final_amount: 1628.89');
    expect(modules.some((url) => /packages\/sdk\/dist\/index\.js$/.test(url))).toBe(true);
    expect(modules.some((url) => /packages\/schemas\/dist\/index\.js$/.test(url))).toBe(true);
    // No agent step: the agents package (and the model SDKs behind it) stays unloaded.
    expect(modules.filter((url) => /packages\/agents\/|@openworkflow\/agents\//.test(url))).toEqual([]);
    // The bundled loader is the one large file of the bundle; validate loads it, run does not.
    const validate = await loadedModules(['validate', 'examples/calculator/chain.yaml'], 'validate-sizes');
    expect(Math.max(...(await bundleFileSizes(validate.modules)))).toBeGreaterThan(400_000);
    expect(Math.max(...(await bundleFileSizes(modules)))).toBeLessThan(100_000);
  }, 60_000);

  it('run of a workflow with an agent step loads the agents package, but no model SDK', async () => {
    const { modules, stdout } = await loadedModules(
      ['run', 'packages/cli/test/fixtures/agent-project/summarise.yaml', '--input', 'topic=tides'],
      'run-agent',
    );
    expect(stdout).toContain('summary: "tides follow the moon"');
    expect(modules.some((url) => /packages\/agents\/dist\/index\.js$/.test(url))).toBe(true);
    // The scripted provider needs neither SDK: they are imported on a provider's first call.
    expect(modules.filter((url) => /[\\/](openai|@anthropic-ai)[\\/]/.test(url))).toEqual([]);
  }, 60_000);

  it('a bad flag exits the process with 2 and the usage on stderr', async () => {
    const failure = await run(process.execPath, [BIN, 'graph', '--bogus'], { cwd: REPO_ROOT }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(2);
    expect((failure as { stderr: string }).stderr).toContain("openworkflow: unknown option '--bogus'");
    expect((failure as { stderr: string }).stderr).toContain('Usage: openworkflow graph');
  }, 60_000);
});
