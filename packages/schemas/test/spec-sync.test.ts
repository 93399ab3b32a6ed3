/** spec/ documents every diagnostic code the loader can emit, and names no code that does not exist. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

describe('links into spec/', () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  const anchorsOf = (file: string): Set<string> =>
    new Set(
      [...readFileSync(new URL(file, specDir), 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
        match[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s-]/gu, '')
          .replace(/\s/g, '-'),
      ),
    );

  it('name headings that exist', () => {
    const sources = [
      chapters,
      ...readdirSync(new URL('../src/', import.meta.url))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8')),
      ...readdirSync(new URL('schemas/', specDir)).map((file) =>
        readFileSync(new URL(`schemas/${file}`, specDir), 'utf8'),
      ),
    ].join('\n');
    const links = [
      ...[...sources.matchAll(/spec\/([a-z-]+\.md)#([a-z0-9-]+)/g)].map((match) => [match[1]!, match[2]!]),
      ...[...chapters.matchAll(/\]\(\.\/([a-z-]+\.md)#([a-z0-9-]+)\)/g)].map((match) => [
        match[1]!,
        match[2]!,
      ]),
    ];
    expect(links.length).toBeGreaterThan(10);
    for (const [file, anchor] of links) {
      if (!existsSync(new URL(file!, specDir))) continue; // a chapter another engineer has not written yet
      expect(anchorsOf(file!), `${file}#${anchor}`).toContain(anchor);
    }
  });
});
