/**
 * Shared by the packages that wrap heavy SDKs (agents, backend-langchain, mcp): lists the modules of
 * a `src/` directory that import one of those SDKs for its values at the top level. Only
 * `import type` or a dynamic `import()` inside a function keeps them off the start-up path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEAVY = /^(openai|@anthropic-ai\/sdk|langchain|@langchain\/[^/]+|@modelcontextprotocol\/sdk)(\/.*)?$/;

/** The `.ts` modules under `dir`, tests excluded. */
export function sourceModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceModules(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `file: module` for every top-level value import of a heavy SDK under `dir`. */
export function eagerHeavyImports(dir: string): string[] {
  const offenders: string[] = [];
  for (const file of sourceModules(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      if (match[1] === undefined && HEAVY.test(match[2]!)) offenders.push(`${file}: ${match[2]}`);
    }
  }
  return offenders;
}
