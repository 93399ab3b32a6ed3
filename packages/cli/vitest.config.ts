import { defineConfig } from 'vitest/config';
import { nodeSourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...nodeSourceConditions,
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
