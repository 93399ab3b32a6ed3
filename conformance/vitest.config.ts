import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests spawn Python drivers and a loopback server; give them room on a busy 2-core box.
    testTimeout: 60_000,
  },
});
