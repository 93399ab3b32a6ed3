/**
 * Shared Vitest settings: tests resolve workspace packages through the `@openworkflow/source`
 * export condition, so they run against `src/` without a build step.
 */
const conditions = ['@openworkflow/source', 'module', 'node', 'development|production'];

export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions } },
} as const;

/**
 * The same without `module`: for packages whose tests load dependencies (the AWS SDK,
 * OpenTelemetry) whose `module` builds use extension-less imports only a bundler resolves. Those
 * packages are loaded the way Node loads them at run time.
 */
const nodeConditions = conditions.filter((condition) => condition !== 'module');

export const nodeSourceConditions = {
  resolve: { conditions: nodeConditions },
  ssr: { resolve: { conditions: nodeConditions } },
} as const;
