/**
 * Heavy SDKs load only when used: no module of this package imports them for their values at the
 * top level (only `import type`, or a dynamic `import()` inside a function).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const HEAVY = /^(openai|@anthropic-ai\/sdk|langchain|@langchain\/[^/]+|@modelcontextprotocol\/sdk)(\/.*)?$/;
const source = fileURLToPath(new URL('../src/', import.meta.url));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? modules(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

it('imports heavy SDKs only as types or lazily', () => {
  const offenders: string[] = [];
  for (const file of modules(source)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      if (match[1] === undefined && HEAVY.test(match[2]!)) offenders.push(`${file}: ${match[2]}`);
    }
  }
  expect(offenders).toEqual([]);
  expect(modules(source).length).toBeGreaterThan(2);
});
