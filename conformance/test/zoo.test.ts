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

describe('the zoo of broken runtimes', () => {
  it('has at least three members', () => {
    expect(zoo.length).toBeGreaterThanOrEqual(3);
  });

  it.each(zoo.map((entry) => [entry.driver, entry] as const))(
    'catches %s on the intended case',
    async (_, entry) => {
      const run = await runCli([
        '--target',
        `cmd:python3 ${join(ZOO_DIRECTORY, entry.driver)}`,
        '--profile',
        'minimal',
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
