/**
 * TEST-ONLY stand-in for the `@openworkflow/schemas` loader (being written on another branch):
 * turns the authoring shapes the conformance cases use into the canonical model. It covers only
 * what the cases need; when the loader lands on main the cases run through it instead.
 */

import { templateReferences } from '@openworkflow/expressions';
import type {
  InputDefinition,
  JoinStrategy,
  JsonObject,
  JsonValue,
  OutputDefinition,
  RetryPolicy,
  Step,
  StepBase,
  WaitSpec,
  Workflow,
} from '@openworkflow/schemas';

type Raw = Record<string, unknown>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `5m`, `250ms` or a number of seconds → milliseconds. */
export function durationMs(value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(value).trim());
  if (match === null) throw new Error(`invalid duration ${String(value)}`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

function retryOf(raw: unknown): RetryPolicy | undefined {
  if (raw === undefined) return undefined;
  const r = raw as Raw;
  const policy: Record<string, unknown> = {
    maxAttempts: r.maxAttempts ?? r.max_attempts ?? 1,
    backoff: r.backoff ?? 'fixed',
  };
  const factor = r.backoffFactor ?? r.backoff_factor;
  if (factor !== undefined) policy.backoffFactor = factor;
  const initial = r.initialDelayMs ?? r.initial_delay_ms;
  if (initial !== undefined) policy.initialDelayMs = initial;
  const max = r.maxDelayMs ?? r.max_delay_ms;
  if (max !== undefined) policy.maxDelayMs = max;
  if (r.jitter !== undefined) policy.jitter = r.jitter;
  if (r.retryOn !== undefined) policy.retryOn = (r.retryOn as string[]).map((code) => code.toUpperCase());
  return policy as unknown as RetryPolicy;
}

function inferType(raw: Raw): Step['type'] {
  if (typeof raw.type === 'string')
    return raw.type === 'parallel' && Array.isArray(raw.parallel)
      ? 'parallel-group'
      : (raw.type as Step['type']);
  if (raw.agent !== undefined) return 'agent';
  if (raw.workflow !== undefined) return 'workflow';
  if (Array.isArray(raw.parallel)) return 'parallel-group';
  return 'action';
}

function stepIdsIn(steps: readonly Step[], out: Set<string>): Set<string> {
  for (const step of steps) {
    out.add(step.id);
    for (const value of Object.values(step)) {
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        typeof value[0] === 'object' &&
        value[0] !== null &&
        'id' in value[0] &&
        'type' in value[0]
      ) {
        stepIdsIn(value as Step[], out);
      }
    }
    if (step.type === 'switch') for (const entry of step.cases) stepIdsIn(entry.steps, out);
    if (step.type === 'parallel') for (const branch of step.branches) stepIdsIn(branch.steps, out);
  }
  return out;
}

/** `dependsOn` as the loader computes it: `needs` plus siblings whose subtree holds a referenced step. */
function withDependencies(steps: Step[]): Step[] {
  const subtrees = steps.map((step) => stepIdsIn([step], new Set()));
  return steps.map((step, index) => {
    const referenced = new Set<string>();
    for (const reference of templateReferences(step as unknown as JsonValue)) {
      const first = reference.path[0];
      if (reference.root === 'steps' && typeof first === 'string') referenced.add(first);
    }
    const dependsOn = new Set(step.needs);
    steps.forEach((sibling, position) => {
      if (position === index) return;
      for (const id of referenced) if (subtrees[position]!.has(id)) dependsOn.add(sibling.id);
    });
    return { ...step, dependsOn: [...dependsOn] } as Step;
  });
}

function block(raw: unknown, pointer: string): Step[] {
  if (raw === undefined) return [];
  return withDependencies((raw as Raw[]).map((entry, index) => normalizeStep(entry, `${pointer}/${index}`)));
}

function joinOf(raw: unknown): JoinStrategy {
  if (raw === undefined || raw === 'all') return { type: 'all' };
  if (raw === 'any') return { type: 'any' };
  if (typeof raw === 'object' && raw !== null) return { type: 'count', count: Number((raw as Raw).count) };
  const match = /^count\((\d+)\)$/.exec(String(raw));
  return { type: 'count', count: Number(match?.[1]) };
}

function waitOf(raw: Raw): WaitSpec {
  if (raw.duration !== undefined) return { kind: 'duration', durationMs: durationMs(raw.duration) };
  const until = raw.until as Raw;
  if (until.time !== undefined) return { kind: 'time', time: until.time as JsonValue };
  const spec: Record<string, unknown> = { kind: 'event', event: until.event };
  if (until.timeout !== undefined) spec.timeoutMs = durationMs(until.timeout);
  if (until.filter !== undefined) spec.filter = until.filter;
  return spec as unknown as WaitSpec;
}

export function normalizeStep(raw: Raw, pointer: string): Step {
  const type = inferType(raw);
  const logicContinue = type === 'forEach' || type === 'parallel';
  const base: Record<string, unknown> = {
    id: (raw.id ?? raw.name) as string,
    type,
    continueOnError: Boolean(raw.continue_on_error ?? (logicContinue ? false : raw.continueOnError) ?? false),
    needs: (raw.needs as string[] | undefined) ?? [],
    dependsOn: [],
    source: { pointer },
  };
  if (raw.condition !== undefined && type !== 'if') base.condition = raw.condition;
  if (raw.for_each !== undefined) {
    base.loop = { items: raw.for_each, parallel: raw.parallel === true };
    if (raw.maxConcurrency !== undefined && type !== 'forEach')
      (base.loop as Raw).maxConcurrency = raw.maxConcurrency;
  }
  const retry = retryOf(raw.retry);
  if (retry !== undefined) base.retry = retry;
  if (raw.timeout !== undefined && type !== 'approval') base.timeoutMs = durationMs(raw.timeout);
  const backend = (raw.execution as Raw | undefined)?.backend ?? raw.backend;
  if (backend !== undefined) base.backend = backend;
  if (raw.guardrails !== undefined) {
    const g = raw.guardrails as Raw;
    base.guardrails = {
      ...(g.outputSchema === undefined ? {} : { outputSchema: g.outputSchema }),
      ...(g.timeLimit === undefined ? {} : { timeLimitMs: durationMs(g.timeLimit) }),
    };
  }
  const input = (raw.input ?? raw.with ?? {}) as JsonObject;
  const b = base as unknown as StepBase;
  switch (type) {
    case 'action':
      return {
        ...b,
        type,
        connector: (raw.connector ?? raw.plugin) as string,
        action: raw.action as string,
        input,
      };
    case 'agent':
      return { ...b, type, agent: raw.agent as string, input };
    case 'workflow':
      return {
        ...b,
        type,
        workflow: raw.workflow as string,
        input,
        ...(raw.version === undefined ? {} : { version: String(raw.version) }),
      };
    case 'if':
      return {
        ...b,
        type,
        test: raw.condition as string,
        // biome-ignore lint/suspicious/noThenProperty: the model's `if` step names its branch `then`.
        then: block(raw.then, `${pointer}/then`),
        else: block(raw.else, `${pointer}/else`),
      };
    case 'switch':
      return {
        ...b,
        type,
        value: raw.value as JsonValue,
        cases: Object.entries(raw.cases as Raw).map(([key, steps]) => ({
          key,
          steps: block(steps, `${pointer}/cases/${key}`),
        })),
        ...(raw.default === undefined ? {} : { default: block(raw.default, `${pointer}/default`) }),
      };
    case 'forEach':
      return {
        ...b,
        type,
        items: raw.items as JsonValue,
        ordered: raw.ordered === true,
        continueOnItemError: raw.continueOnError === true,
        steps: block(raw.steps ?? raw.node, `${pointer}/steps`),
        ...(raw.maxConcurrency === undefined ? {} : { maxConcurrency: Number(raw.maxConcurrency) }),
      };
    case 'parallel':
      return {
        ...b,
        type,
        join: joinOf(raw.join ?? (raw.count === undefined ? undefined : { count: raw.count })),
        continueOnBranchError: raw.continueOnError === true,
        branches: Object.entries(raw.branches as Raw).map(([name, steps]) => ({
          name,
          steps: block(steps, `${pointer}/branches/${name}`),
        })),
      };
    case 'parallel-group':
      return { ...b, type, steps: block(raw.parallel, `${pointer}/parallel`) };
    case 'wait':
      return { ...b, type, wait: waitOf(raw) };
    case 'try':
      return {
        ...b,
        type,
        steps: block(raw.steps ?? raw.node, `${pointer}/steps`),
        ...(raw.catch === undefined ? {} : { catch: block(raw.catch, `${pointer}/catch`) }),
        ...(raw.finally === undefined ? {} : { finally: block(raw.finally, `${pointer}/finally`) }),
      };
    case 'transform':
      return {
        ...b,
        type,
        language: raw.language as never,
        expression: raw.expression as string,
        ...(raw.input === undefined ? {} : { input: raw.input as JsonValue }),
      };
    case 'handoff':
      return {
        ...b,
        type,
        resumeAfter: raw.resumeAfter !== false,
        ...(raw.agent === undefined ? {} : { agent: raw.agent as string }),
        ...(raw.selectAgent === undefined
          ? {}
          : {
              selectAgent: (raw.selectAgent as Raw[]).map((choice) =>
                choice.default !== undefined
                  ? { agent: choice.default as string, isDefault: true }
                  : {
                      agent: choice.agent as string,
                      condition: choice.condition as string,
                      isDefault: false,
                    },
              ),
            }),
        ...(raw.reason === undefined ? {} : { reason: raw.reason as JsonValue }),
        ...(raw.context === undefined ? {} : { context: raw.context as JsonValue }),
      };
    case 'approval':
      return {
        ...b,
        type,
        approvers: (raw.approvers as string[] | undefined) ?? [],
        approvalTimeoutMs: raw.timeout === undefined ? 3_600_000 : durationMs(raw.timeout),
        onTimeout: (raw.onTimeout as 'reject' | 'allow' | 'escalate' | undefined) ?? 'reject',
        ...(raw.message === undefined ? {} : { message: raw.message as JsonValue }),
      };
  }
}

export function normalizeWorkflow(raw: Raw): Workflow {
  const inputs: Record<string, InputDefinition> = {};
  for (const [name, def] of Object.entries((raw.inputs as Raw | undefined) ?? {})) {
    const d = def as Raw;
    inputs[name] = { required: d.required === true, ...(d as object) } as InputDefinition;
  }
  const outputs: Record<string, OutputDefinition> = {};
  for (const [name, def] of Object.entries((raw.outputs as Raw | undefined) ?? {})) {
    outputs[name] =
      typeof def === 'object' && def !== null && 'value' in def
        ? (def as OutputDefinition)
        : { value: def as JsonValue };
  }
  const workflow: Record<string, unknown> = {
    type: 'workflow',
    name: raw.name,
    version: raw.version ?? '1.0.0',
    categories: [],
    strategy: raw.strategy ?? 'sequential',
    inputs,
    outputs,
    triggers: [],
    steps: block(raw.steps, '/steps'),
    source: { pointer: '' },
  };
  if (raw.maxConcurrency !== undefined) workflow.maxConcurrency = raw.maxConcurrency;
  if (raw.backend !== undefined) workflow.backend = raw.backend;
  if (raw.timeout !== undefined) workflow.timeoutMs = durationMs(raw.timeout);
  if (raw.testing !== undefined) {
    const dry = (raw.testing as Raw).dryRun as Raw | undefined;
    workflow.testing = {
      fixtures: [],
      ...(dry === undefined
        ? {}
        : {
            dryRun: {
              enabled: dry.enabled === true,
              mockConnectors: dry.mockConnectors === true,
              mockData: dry.mockData ?? {},
            },
          }),
    };
  }
  return workflow as unknown as Workflow;
}
