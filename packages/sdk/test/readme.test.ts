/**
 * Keeps the README's `## SDK` section honest: its code blocks run here as one module (imports
 * pointed at this package's source, `import.meta.url` at examples/calculator/), and what they
 * print must be what the `// →` comments say.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const repo = new URL('../../../', import.meta.url);

it('runs the code of the README SDK section and prints what it promises', async () => {
  const readme = await readFile(new URL('README.md', repo), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## SDK\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## SDK\n') + 1),
  );
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(blocks.length).toBe(2);
  const expected = blocks
    .join('\n')
    .split('\n')
    .filter((line) => line.startsWith('// → '))
    .map((line) => line.slice(5));
  expect(expected.length).toBeGreaterThan(0);

  const source = new URL('packages/sdk/src/', repo);
  const module = [
    'const console = { log: (...values) => globalThis.__readmeLog.push(values.join(" ")) };',
    ...blocks,
  ]
    .join('\n')
    .replaceAll("'@openworkflow/sdk/testing'", JSON.stringify(new URL('testing/index.ts', source).pathname))
    .replaceAll("'@openworkflow/sdk'", JSON.stringify(new URL('index.ts', source).pathname))
    .replaceAll('import.meta.url', JSON.stringify(new URL('examples/calculator/', repo).href));
  const directory = await mkdtemp(join(tmpdir(), 'ow-readme-'));
  const log: string[] = [];
  (globalThis as { __readmeLog?: string[] }).__readmeLog = log;
  try {
    const file = join(directory, 'readme.mjs');
    await writeFile(file, module);
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    await rm(directory, { recursive: true });
    delete (globalThis as { __readmeLog?: string[] }).__readmeLog;
  }
  expect(log).toEqual(expected);
});
