import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from '../src/case-loader.js';

const script = fileURLToPath(new URL('../scripts/generate-cases.mjs', import.meta.url));

describe('generated case families', () => {
  it('are committed exactly as the generator writes them', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--check']);
    expect(stdout).toMatch(/^\d+ generated case\(s\) up to date/);
  });

  it('bring the suite to at least 250 cases, each with its own requirement id and a spec citation', () => {
    const { cases } = loadSuite([fileURLToPath(BUILTIN_CASES_DIRECTORY)]);
    expect(cases.length).toBeGreaterThanOrEqual(250);
    for (const profile of ['loader', 'expressions', 'core', 'logic', 'errors', 'secrets', 'http']) {
      expect(cases.filter((c) => c.profile === profile).length, profile).toBeGreaterThan(5);
    }
    const ids = cases.map((c) => `${c.profile}/${c.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of cases) {
      expect(c.spec.length, c.id).toBeGreaterThan(0);
      expect(c.requirement, c.id).toMatch(new RegExp(`^OW-${c.profile.toUpperCase()}-\\d{3}$`));
    }
  });
});
