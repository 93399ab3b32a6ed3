import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Property tests are CPU-bound; CI runs every package's suite at once on two cores, where the
    // default 5 s per test is not enough for a few hundred generated cases.
    testTimeout: 60_000,
  },
});
