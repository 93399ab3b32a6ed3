/** The README's example runs: its YAML loads with exactly the diagnostic the README shows. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { formatDiagnostic, loadWorkflows, serializeWorkflows } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
  lang: match[1],
  body: match[2]!,
}));

it('the README example loads with the diagnostic it shows', () => {
  const yaml = blocks.find((block) => block.lang === 'yaml')!.body;
  const shown = blocks.find((block) => block.lang === '')!.body.trim();
  const result = loadWorkflows(yaml, { file: 'flows.yaml' });
  expect(result.ok).toBe(true);
  expect(result.value).toHaveLength(1);
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([shown]);
  expect(serializeWorkflows(result.value!)).toContain('input:\n          location: San Francisco');
});
