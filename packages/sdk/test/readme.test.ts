/**
 * Keeps the READMEs honest: the code blocks of the root README's `## SDK` section and of this
 * package's README run here, each set as one module (imports pointed at this package's source,
 * `import.meta.url` at examples/calculator/), and what they print must be what their `// →`
 * comments say.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const repo = new URL('../../../', import.meta.url);
const source = new URL('packages/sdk/src/', repo);

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** Runs the js blocks of `markdown` as one module; returns what they printed and what they promise. */
async function run(markdown: string): Promise<{ printed: string[]; promised: string[] }> {
  const blocks = [...markdown.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  const promised = blocks
    .join('\n')
    .split('\n')
    .filter((line) => line.startsWith('// → '))
    .map((line) => line.slice(5));
  expect(promised.length).toBeGreaterThan(0);
  const module = [
    'const console = { log: (...values) => globalThis.__readmeLog.push(values.join(" ")) };',
    ...blocks,
  ]
    .join('\n')
    .replaceAll("'@openworkflow/sdk/testing'", JSON.stringify(new URL('testing/index.ts', source).pathname))
    .replaceAll("'@openworkflow/sdk'", JSON.stringify(new URL('index.ts', source).pathname))
    .replaceAll('import.meta.url', JSON.stringify(new URL('examples/calculator/', repo).href));
  const directory = await mkdtemp(join(tmpdir(), 'ow-readme-'));
  const printed: string[] = [];
  (globalThis as { __readmeLog?: string[] }).__readmeLog = printed;
  try {
    const file = join(directory, 'readme.mjs');
    await writeFile(file, module);
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    await rm(directory, { recursive: true });
    delete (globalThis as { __readmeLog?: string[] }).__readmeLog;
  }
  return { printed, promised };
}

it('runs the root README SDK section and prints what it promises', async () => {
  const readme = await readFile(new URL('README.md', repo), 'utf8');
  const { printed, promised } = await run(section(readme, '## SDK'));
  expect(printed).toEqual(promised);
});

it('runs the package README and prints what it promises', async () => {
  const { printed, promised } = await run(await readFile(new URL('packages/sdk/README.md', repo), 'utf8'));
  expect(printed).toEqual(promised);
});
