/**
 * Keeps the README honest: the scope in its first code block and every row of its examples table
 * are executed here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../src/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

const scope = {
  inputs: { city: 'Paris', tags: ['a', 'b'] },
  steps: { w: { status: 'success', output: { temp: 31, conditions: 'sunny' } } },
  secrets: { API_KEY: 'sk-…' },
};

const rows = [...readme.matchAll(/^\|\s*`(.+?)`\s*\|\s*`(.+?)`\s*\|$/gm)].map(([, template, result]) => [
  template!.replaceAll('\\|', '|'),
  result!,
]);

describe('README', () => {
  it('shows the scope these tests use', () => {
    expect(readme).toContain("inputs: { city: 'Paris', tags: ['a', 'b'] }");
    expect(readme).toContain(
      "steps: { w: { status: 'success', output: { temp: 31, conditions: 'sunny' } } }",
    );
  });

  it('has examples', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });

  it.each(rows)('%s renders %s', (template, result) => {
    expect(render(template, scope)).toEqual(JSON.parse(result));
  });
});
