import {
  type ActionInvocation,
  type HandlerContext,
  type SecretAccessor,
  silentLogger,
} from '@openworkflow/core';
import type { Connector, Handler, JsonObject } from '@openworkflow/schemas';

/** A secret accessor over a fixed table. */
export function secretsOf(values: Readonly<Record<string, string>> = {}): SecretAccessor {
  return {
    get: (name) => (Object.hasOwn(values, name) ? values[name] : undefined),
    has: (name) => Object.hasOwn(values, name),
    names: () => Object.keys(values),
  };
}

/** A handler context with test defaults; override what the test is about. */
export function contextOf(overrides: Partial<HandlerContext> = {}): HandlerContext {
  return {
    runId: 'run-1',
    workflowId: 'run-1',
    workflowName: 'test',
    stepId: 'step-1',
    stepName: 'step-1',
    attempt: 1,
    idempotencyKey: 'run-1:step-1',
    inputs: {},
    previousSteps: {},
    environment: {},
    secrets: secretsOf(),
    signal: new AbortController().signal,
    executionMode: 'local',
    logger: silentLogger,
    ...overrides,
  };
}

/** One invocation of a single-action connector whose action uses `handler`. */
export function invocationOf(
  handler: Handler,
  input: JsonObject = {},
  context: Partial<HandlerContext> = {},
  connectorOverrides: Partial<Connector> = {},
): ActionInvocation {
  const action = { name: 'act', description: 'test action', handler, source: { pointer: '/actions/0' } };
  const connector: Connector = {
    type: 'connector',
    id: 'connector:test/test@1.0.0',
    kind: 'custom',
    name: 'test',
    namespace: 'test',
    version: '1.0.0',
    displayName: 'Test',
    description: 'Test connector',
    metadata: { categories: [] },
    runtime: { timeoutMs: 300_000, environment: [] },
    actions: [action],
    source: { pointer: '' },
    ...connectorOverrides,
  };
  return { connector, action, input, context: contextOf(context) };
}
