import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Whole-stack tests start loopback servers and load the OpenTelemetry SDK on a shared two-core
    // machine: these are limits, not timing assertions.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
