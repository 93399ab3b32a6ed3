import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The property tests are CPU-bound; one worker keeps this suite from starving the suites turbo
    // runs beside it on a two-core CI machine.
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
