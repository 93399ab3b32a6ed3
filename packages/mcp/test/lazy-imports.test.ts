/**
 * Heavy SDKs load only when used: no module of this package imports them for their values at the
 * top level (only `import type`, or a dynamic `import()` inside a function).
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { eagerHeavyImports, sourceModules } from '../../../test-support/heavy-imports.js';

const source = fileURLToPath(new URL('../src/', import.meta.url));

it('imports heavy SDKs only as types or lazily', () => {
  expect(eagerHeavyImports(source)).toEqual([]);
  expect(sourceModules(source).length).toBeGreaterThan(2);
});
