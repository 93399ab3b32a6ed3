import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SuiteReport } from '../src/report.js';
import { runCli, ZOO_DIRECTORY } from './helpers.js';

interface ZooEntry {
  readonly driver: string;
  readonly breaks: string;
  readonly caughtBy: { readonly case: string; readonly requirement: string };
}

const zoo = parse(readFileSync(join(ZOO_DIRECTORY, 'zoo.yaml'), 'utf8')) as ZooEntry[];

/** `x.py` runs under python3, `proxy.mjs <mutation>` under node. */
function command(driver: string): string {
  const [file, ...args] = driver.split(' ');
  const interpreter = file!.endsWith('.py') ? 'python3' : process.execPath;
  return [interpreter, join(ZOO_DIRECTORY, file!), ...args].join(' ');
}

describe('the zoo of broken runtimes', () => {
  it('has at least twelve members, each breaking something different', () => {
    expect(zoo.length).toBeGreaterThanOrEqual(12);
    expect(new Set(zoo.map((entry) => entry.driver)).size).toBe(zoo.length);
  });

  it.each(zoo.map((entry) => [entry.driver, entry] as const))(
    'catches %s on the intended case',
    // Only the intended case runs: the member must fail there, whatever else it gets wrong.
    async (_, entry) => {
      const [profile] = entry.caughtBy.case.split('/');
      const run = await runCli([
        '--target',
        `cmd:${command(entry.driver)}`,
        '--profile',
        profile!,
        '--filter',
        entry.caughtBy.case,
        '--reporter',
        'json',
        '--seed',
        '5',
        '--quiet-target',
      ]);
      const report = JSON.parse(run.stdout) as SuiteReport;
      expect(run.code).toBe(1);
      const outcome = report.cases.find((c) => `${c.profile}/${c.id}` === entry.caughtBy.case);
      expect(outcome?.disposition).toBe('fail');
      expect(outcome?.failures.map((f) => f.requirement)).toContain(entry.caughtBy.requirement);
    },
  );
});
