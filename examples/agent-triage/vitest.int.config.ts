import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: { include: ['test/**/*.int.test.ts'], testTimeout: 120_000 },
});
