import type {
  Action,
  Agent,
  Connector,
  JsonObject,
  JsonSchema,
  JsonValue,
  Workflow,
} from '@openworkflow/schemas';
import type { Backend, BackendRequest } from '../../src/backend.js';
import { FakeClock } from '../../src/clock.js';
import { createEngine, type Engine } from '../../src/engine.js';
import type { EngineOptions } from '../../src/engine-options.js';
import { OpenWorkflowError } from '../../src/errors.js';
import type { ActionInvocation, HandlerExecutor } from '../../src/handler.js';
import { sequentialIds } from '../../src/ids.js';
import { agentsFrom, connectorsFrom } from '../../src/resolvers.js';

/** How a test action behaves when called. */
export type Behaviour =
  | { readonly kind: 'echo'; readonly failWhen?: JsonObject }
  /** Sleeps `input.ms`, then echoes the input. */
  | { readonly kind: 'sleepInput' }
  | { readonly kind: 'return'; readonly value: JsonValue }
  | {
      readonly kind: 'fail';
      readonly code?: string;
      readonly message?: string;
      /** Fail this many times, then return `value` (default: always fail). */
      readonly times?: number;
      readonly value?: JsonValue;
      readonly connectorCode?: string;
    }
  | { readonly kind: 'throw'; readonly message?: string }
  /** Fails for these instance paths (deterministic across resumes), else returns `value`. */
  | { readonly kind: 'failOn'; readonly paths: readonly string[]; readonly value?: JsonValue }
  | { readonly kind: 'sleep'; readonly ms: number; readonly value?: JsonValue }
  | { readonly kind: 'hang' };

export interface CallRecord {
  readonly action: string;
  readonly time: number;
  readonly input: JsonObject;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly stepId: string;
  aborted: boolean;
  ended?: number;
}

/** Observes every action call: count, timing, concurrency, aborts. */
export class Recorder {
  readonly calls: CallRecord[] = [];
  #running = 0;
  maxConcurrent = 0;
  readonly #runningBy = new Map<string, number>();
  readonly maxConcurrentBy = new Map<string, number>();

  enter(record: CallRecord): void {
    this.calls.push(record);
    this.#running++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#running);
    const by = (this.#runningBy.get(record.action) ?? 0) + 1;
    this.#runningBy.set(record.action, by);
    this.maxConcurrentBy.set(record.action, Math.max(this.maxConcurrentBy.get(record.action) ?? 0, by));
  }

  leave(record: CallRecord, time: number): void {
    record.ended = time;
    this.#running--;
    this.#runningBy.set(record.action, (this.#runningBy.get(record.action) ?? 1) - 1);
  }

  count(action: string): number {
    return this.calls.filter((call) => call.action === action).length;
  }
}

export const TEST_CONNECTOR_ID = 'connector:test/svc@1.0.0';

function sleepOn(clock: FakeClock, ms: number, signal: AbortSignal): Promise<void> {
  return clock.sleep(ms, signal);
}

/** A `function` handler executor that plays the behaviours (by action name). */
export function behaviourExecutor(
  behaviours: Readonly<Record<string, Behaviour>>,
  clock: FakeClock,
  recorder: Recorder,
  failures = new Map<string, number>(),
): HandlerExecutor {
  return {
    type: 'function',
    async execute({ action, input, context }: ActionInvocation): Promise<JsonValue> {
      const behaviour = behaviours[action.name] ?? { kind: 'echo' };
      const record: CallRecord = {
        action: action.name,
        time: clock.now(),
        input,
        attempt: context.attempt,
        idempotencyKey: context.idempotencyKey,
        stepId: context.stepId,
        aborted: false,
      };
      recorder.enter(record);
      const onAbort = () => {
        record.aborted = true;
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      try {
        switch (behaviour.kind) {
          case 'echo':
            if (
              behaviour.failWhen !== undefined &&
              Object.entries(behaviour.failWhen).every(([k, v]) => input[k] === v)
            ) {
              throw new OpenWorkflowError('BACKEND_ERROR', `rejected ${JSON.stringify(input)}`);
            }
            return input;
          case 'sleepInput':
            await sleepOn(clock, Number(input.ms), context.signal);
            return input;
          case 'return':
            return behaviour.value;
          case 'throw':
            throw new Error(behaviour.message ?? 'handler threw');
          case 'failOn':
            if (behaviour.paths.some((path) => context.idempotencyKey === `${context.runId}:${path}`)) {
              throw new OpenWorkflowError('BACKEND_ERROR', `failed at ${context.idempotencyKey}`);
            }
            return behaviour.value ?? { ok: true };
          case 'fail': {
            const key = `${context.runId}:${context.stepId}:${action.name}`;
            const failed = failures.get(key) ?? 0;
            if (behaviour.times === undefined || failed < behaviour.times) {
              failures.set(key, failed + 1);
              throw new OpenWorkflowError(behaviour.code ?? 'BACKEND_ERROR', behaviour.message ?? 'failed', {
                details:
                  behaviour.connectorCode === undefined ? {} : { connector_code: behaviour.connectorCode },
              });
            }
            return behaviour.value ?? { ok: true };
          }
          case 'sleep':
            await sleepOn(clock, behaviour.ms, context.signal);
            return behaviour.value ?? input;
          case 'hang':
            return await new Promise<never>(() => {});
        }
      } finally {
        context.signal.removeEventListener('abort', onAbort);
        recorder.leave(record, clock.now());
      }
    },
  };
}

export interface ActionSpec {
  readonly input?: JsonSchema;
  readonly output?: JsonSchema;
  readonly timeoutMs?: number;
}

/** The `svc` test connector: one `function` action per name. */
export function testConnector(
  names: Iterable<string>,
  specs: Readonly<Record<string, ActionSpec>> = {},
): Connector {
  const actions: Action[] = [...new Set(names)].map((name) => {
    const spec = specs[name] ?? {};
    return {
      name,
      description: name,
      handler: { type: 'function', function: `svc.${name}` },
      source: { pointer: `/actions/${name}` },
      ...(spec.input === undefined ? {} : { input: spec.input }),
      ...(spec.output === undefined ? {} : { output: spec.output }),
    };
  });
  return {
    type: 'connector',
    id: TEST_CONNECTOR_ID,
    kind: 'sdk',
    name: 'svc',
    namespace: 'test',
    version: '1.0.0',
    displayName: 'Test service',
    description: 'Test actions',
    metadata: { categories: [] },
    runtime: { timeoutMs: 300_000, environment: [] },
    actions,
    source: { pointer: '' },
  };
}

export interface ScriptedCall {
  readonly request: BackendRequest;
  readonly nodeId: string;
  readonly runId: string;
  readonly traceId: string | undefined;
  readonly deadline: number | undefined;
  readonly environment: Readonly<Record<string, string>>;
  readonly secretNames: readonly string[];
}

/**
 * The scripted test backend: answers agent requests from a table (agent ref → response) and
 * records every request with the context it got.
 */
export function scriptedBackend(
  name: string,
  responses: Readonly<Record<string, JsonValue>> = {},
  options: { readonly capabilities?: Backend['capabilities']; readonly failWith?: string } = {},
): Backend & { readonly calls: ScriptedCall[] } {
  const calls: ScriptedCall[] = [];
  return {
    name,
    version: '1.0.0',
    capabilities: options.capabilities ?? ['agent', 'action', 'workflow'],
    calls,
    async execute(request, context) {
      calls.push({
        request,
        nodeId: context.stepId,
        runId: context.runId,
        traceId: context.traceId,
        deadline: context.deadline,
        environment: context.environment,
        secretNames: context.secrets.names(),
      });
      if (options.failWith !== undefined) throw new Error(options.failWith);
      if (request.kind === 'agent') {
        const scripted = responses[request.agentRef];
        return scripted === undefined
          ? { answer: `${name}:${request.agentRef}`, input: request.input }
          : scripted;
      }
      if (request.kind === 'action')
        return { backend: name, action: request.action.name, input: request.input };
      return { backend: name, workflow: request.workflow.name };
    },
  };
}

/** A minimal agent manifest in the canonical model. */
export function testAgent(id: string, backend?: string): Agent {
  const [, rest = id] = id.split(':');
  const [path = rest] = rest.split('@');
  const [namespace, name = path] = path.split('/');
  return {
    type: 'agent',
    form: 'manifest',
    id,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    model: { provider: 'scripted', id: 'test' },
    toolset: [],
    execution: { backend: backend as string, config: {} } as Agent['execution'],
    io: {},
    registryMode: false,
    metadata: { categories: [] },
    source: { pointer: '' },
  };
}

export interface HarnessOptions {
  readonly behaviours?: Readonly<Record<string, Behaviour>>;
  readonly actions?: Readonly<Record<string, ActionSpec>>;
  readonly agents?: readonly Agent[];
  readonly backends?: readonly Backend[];
  readonly engine?: Partial<EngineOptions>;
  readonly clock?: FakeClock;
  readonly workflows?: readonly Workflow[];
  /** Share between engines so a `fail … times` behaviour counts across a resume. */
  readonly failureCounts?: Map<string, number>;
}

export interface Harness {
  readonly engine: Engine;
  readonly clock: FakeClock;
  readonly recorder: Recorder;
  readonly connector: Connector;
}

/** An engine on a fake clock with the `svc` connector, the behaviour executor and test agents. */
export function createHarness(options: HarnessOptions = {}): Harness {
  const clock = options.clock ?? new FakeClock();
  const recorder = new Recorder();
  const behaviours = options.behaviours ?? {};
  const names = new Set([...Object.keys(behaviours), ...Object.keys(options.actions ?? {})]);
  for (const workflow of options.workflows ?? []) collectActions(workflow.steps, names);
  const connector = testConnector(names, options.actions);
  const engine = createEngine({
    clock,
    idGenerator: sequentialIds('id'),
    random: () => 0.5,
    handlers: [behaviourExecutor(behaviours, clock, recorder, options.failureCounts)],
    connectors: connectorsFrom([connector]),
    agents: agentsFrom(options.agents ?? []),
    backends: options.backends ?? [],
    ...options.engine,
  });
  return { engine, clock, recorder, connector };
}

function collectActions(steps: readonly Workflow['steps'][number][], names: Set<string>): void {
  for (const step of steps) {
    if (step.type === 'action') names.add(step.action);
    for (const value of Object.values(step)) {
      if (Array.isArray(value)) {
        for (const entry of value) {
          if (entry !== null && typeof entry === 'object' && 'type' in entry && 'id' in entry)
            collectActions([entry], names);
          if (entry !== null && typeof entry === 'object' && 'steps' in entry && Array.isArray(entry.steps)) {
            collectActions(entry.steps, names);
          }
        }
      }
    }
  }
}
