/**
 * The root README's `## Conformance` section: its commands are the real ones. `pnpm conformance`
 * is the root script (run in full by `reference-driver.test.ts`); the runner command is executed
 * here, in process, against the Python minimal runtime.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../src/report.js';
import { runCli } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The commands of the fenced `sh` blocks of one README section. */
function commandsOf(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no '${heading}' section`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/** Splits a command line on spaces outside double quotes. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

describe('README: Conformance', () => {
  it('names the root conformance script and a runner command that passes the Python runtime', async () => {
    const readme = await readFile(new URL('README.md', `file://${root}`), 'utf8');
    const commands = commandsOf(readme, '## Conformance');
    expect(commands[0]).toBe('pnpm conformance');
    const scripts = JSON.parse(await readFile(new URL('package.json', `file://${root}`), 'utf8')).scripts;
    expect(scripts.conformance).toContain('--strict');

    const runner = commands.find((command) => command.startsWith('node conformance/dist/bin.js '));
    expect(runner).toBeDefined();
    // Paths in the README are relative to the repository root; the test runs elsewhere.
    const args = words(runner!)
      .slice(2)
      .map((word) => word.replaceAll(' conformance/', ` ${root}conformance/`));
    const run = await runCli([...args, '--reporter', 'json', '--seed', '5']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SuiteReport;
    expect(report.target.name).toBe('python-minimal');
    expect(report.totals.fail).toBe(0);
    expect(report.totals.assertions).toBeGreaterThan(0);
  }, 120_000);
});
