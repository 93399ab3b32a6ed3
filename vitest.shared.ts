/**
 * Shared Vitest settings: tests resolve workspace packages through the `@openworkflow/source`
 * export condition, so they run against `src/` without a build step.
 */
const conditions = ['@openworkflow/source', 'module', 'node', 'development|production'];

export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions } },
} as const;
