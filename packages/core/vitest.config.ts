import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Property and crash/resume tests are CPU-bound: generous limits for a loaded CI machine.
    testTimeout: 60_000,
  },
});
