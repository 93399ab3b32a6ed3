/** spec/ documents every diagnostic code the loader can emit, and names no code that does not exist. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../src/diagnostic-codes.js';

const specDir = new URL('../../../spec/', import.meta.url);
const loaderChapter = readFileSync(new URL('loader.md', specDir), 'utf8');
const chapters = readdirSync(specDir)
  .filter((file) => file.endsWith('.md'))
  .map((file) => readFileSync(new URL(file, specDir), 'utf8'))
  .join('\n');

describe('spec/loader.md', () => {
  it.each(Object.keys(DIAGNOSTIC_CODES))('documents %s', (code) => {
    expect(loaderChapter).toContain(`\`${code}\``);
  });

  it('lists each code with the severity the loader uses', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      const row = loaderChapter.split('\n').find((line) => line.startsWith(`| \`${code}\``));
      if (info.category === 'alias') continue;
      expect(row, code).toBeDefined();
      expect(row?.split('|')[2]?.trim(), code).toBe(info.severity);
    }
  });

  it('names no code that does not exist', () => {
    const mentioned = new Set(chapters.match(/\bOW_[A-Z0-9_]+\b/g) ?? []);
    for (const code of mentioned) expect(Object.keys(DIAGNOSTIC_CODES), code).toContain(code);
  });
});
