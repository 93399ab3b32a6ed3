import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from '../src/case-loader.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const { cases } = loadSuite([fileURLToPath(BUILTIN_CASES_DIRECTORY)]);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('spec citations of the cases', () => {
  const citations = [...new Set(cases.flatMap((c) => c.spec))].sort();
  const written = citations.filter((c) => existsSync(repositoryRoot + c.split('#')[0]!));

  it('name chapters that exist', () => {
    expect(citations.filter((c) => !written.includes(c))).toEqual([]);
  });

  it('name a heading that exists', () => {
    expect(written.length).toBeGreaterThan(0);
    for (const citation of written) {
      const [file, anchor] = citation.split('#');
      if (anchor) expect(anchors(readFileSync(repositoryRoot + file!, 'utf8')), citation).toContain(anchor);
    }
  });
});
