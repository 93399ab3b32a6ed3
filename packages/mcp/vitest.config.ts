import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**'],
    // Loopback servers and real SDKs on a loaded two-core machine: generous limits.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
