import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: {
    include: ['test/**/*.test.ts'],
    // Real-provider tests run only through `test:int`, with a key.
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
