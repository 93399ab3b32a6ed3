import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // First imports of the AWS and OpenTelemetry SDKs and the property tests take seconds on a
    // loaded two-core CI machine; these are limits, not timing assertions.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
