/**
 * Steps: infers each step's kind, resolves the legacy spellings and builds the canonical `Step`
 * union (spec/workflows.md#steps). Template-bearing fields are recorded as template sites for the
 * expression checks; `dependsOn` is filled in later by the step graph.
 */
import { checkEmbeddedSchema } from './embedded-schema.js';
import { appendPointer } from './json-pointer.js';
import type {
  AgentChoice,
  Guardrails,
  JoinStrategy,
  JsonObject,
  JsonSchema,
  JsonValue,
  Step,
  StepBase,
  StepLoop,
  StepType,
  SwitchCase,
  TransformLanguage,
  WaitSpec,
} from './model.js';
import {
  cloneJson,
  cloneObject,
  has,
  isObject,
  type NormalizeContext,
  orderedEntries,
  own,
  readAliased,
  readArray,
  readBoolean,
  readNumber,
  readObject,
  readString,
  readStrings,
  type TemplateSite,
} from './normalize-context.js';
import {
  checkReference,
  checkVersionSpec,
  readBackendName,
  readDurationMs,
  readRetryPolicy,
} from './normalize-shared.js';

/** Which context variables the steps of a list can read, inherited from enclosing steps. */
export interface StepScope {
  readonly loopVariables: boolean;
  readonly errorVariable: boolean;
}

/** The scope of a workflow's top-level steps: no loop or error variables. */
export const ROOT_SCOPE: StepScope = { loopVariables: false, errorVariable: false };

/** Default approval timeout of the `approval` extension step: one hour, as for connector approvals. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 3_600_000;

const DOCUMENT_TYPES = new Set<string>([
  'action',
  'agent',
  'workflow',
  'if',
  'switch',
  'forEach',
  'parallel',
  'wait',
  'try',
  'transform',
  'handoff',
  'approval',
]);

/**
 * Infers a step's kind: an explicit `type` wins, then `agent`, `workflow`, a `parallel` list and
 * finally `connector`/`plugin` (spec/workflows.md#step-types).
 */
export function inferStepType(raw: JsonObject): StepType | undefined {
  const type = own(raw, 'type');
  if (type !== undefined)
    return typeof type === 'string' && DOCUMENT_TYPES.has(type) ? (type as StepType) : undefined;
  if (has(raw, 'agent')) return 'agent';
  if (has(raw, 'workflow')) return 'workflow';
  if (Array.isArray(own(raw, 'parallel'))) return 'parallel-group';
  if (has(raw, 'connector') || has(raw, 'plugin')) return 'action';
  return undefined;
}

/** Normalises a list of steps; entries too malformed to identify are left to the schema report. */
export function normalizeSteps(
  context: NormalizeContext,
  raw: JsonValue | undefined,
  pointer: string,
  scope: StepScope,
): Step[] {
  if (!Array.isArray(raw)) return [];
  const steps: Step[] = [];
  raw.forEach((item, index) => {
    const step = normalizeStep(context, item, appendPointer(pointer, index), scope);
    if (step !== undefined) steps.push(step);
  });
  return steps;
}

function normalizeStep(
  context: NormalizeContext,
  raw: JsonValue,
  pointer: string,
  scope: StepScope,
): Step | undefined {
  if (!isObject(raw)) return undefined;
  const type = inferStepType(raw);
  const identity = readIdentity(context, raw, pointer);
  if (identity === undefined) return undefined;
  context.declaredSteps.push({ id: identity.id, pointer: appendPointer(pointer, identity.key) });
  if (type === undefined) return undefined;
  const reader = new StepReader(context, raw, pointer, identity.id, scope, type);
  const base = reader.base(identity.label);
  const step = reader.kind(base);
  return step === undefined ? undefined : withSharedShape(step);
}

/**
 * The same object, rebuilt one key at a time from an empty literal, so that steps with the same
 * keys in the same order share one hidden class. A step is built as `{ ...base, type, … }`; once
 * V8 has optimised that spread, every object it produces gets a hidden class of its own, and the
 * engine's reads of step fields (`step.condition`, `step.retry`, …) go megamorphic: a loaded
 * 1 000-step workflow ran about twice as slowly per step as the same steps written as literals.
 */
function withSharedShape<T extends object>(object: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = (object as Record<string, unknown>)[key];
    // Step keys are the model's own names; never let one set the prototype all the same.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = value;
  }
  return copy as T;
}

function readIdentity(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
): { id: string; label?: string; key: 'id' | 'name' } | undefined {
  const id = readString(raw, 'id');
  const name = readString(raw, 'name');
  if (id !== undefined) return name !== undefined ? { id, label: name, key: 'id' } : { id, key: 'id' };
  if (name === undefined) return undefined;
  context.diagnostics.report(
    'OW_ALIAS_STEP_NAME_AS_ID',
    appendPointer(pointer, 'name'),
    `Step "${name}" is identified by "name"; write "id: ${name}"`,
    { at: 'key' },
  );
  return { id: name, key: 'name' };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads one raw step; each method handles one group of keys. */
class StepReader {
  constructor(
    private readonly context: NormalizeContext,
    private readonly raw: JsonObject,
    private readonly pointer: string,
    private readonly id: string,
    private readonly scope: StepScope,
    private readonly type: StepType,
  ) {}

  private at(...segments: (string | number)[]): string {
    return appendPointer(this.pointer, ...segments);
  }

  private site(
    key: string,
    value: JsonValue,
    role: TemplateSite['role'],
    options: Partial<TemplateSite> = {},
  ): void {
    this.context.templateSites.push({
      pointer: this.at(key),
      value,
      stepId: this.id,
      role,
      loopVariables: options.loopVariables ?? (this.scope.loopVariables || has(this.raw, 'for_each')),
      errorVariable: this.scope.errorVariable,
      secrets: options.secrets ?? false,
    });
  }

  /** The keys every step may carry. */
  base(label: string | undefined): Mutable<StepBase> {
    const { raw, type } = this;
    const base: Mutable<StepBase> = {
      id: this.id,
      type,
      continueOnError: this.continueOnError(),
      needs: readStrings(raw, 'needs') ?? [],
      dependsOn: [],
      source:
        this.context.file !== undefined
          ? { file: this.context.file, pointer: this.pointer }
          : { pointer: this.pointer },
    };
    if (label !== undefined) base.label = label;
    const condition = readString(raw, 'condition');
    if (condition !== undefined && type !== 'if') {
      // The skip condition is evaluated once, before any for_each loop starts.
      this.site('condition', condition, 'condition', { loopVariables: this.scope.loopVariables });
      base.condition = condition;
    }
    const loop = this.loop();
    if (loop !== undefined) base.loop = loop;
    const retry = readRetryPolicy(this.context, raw, this.pointer, type === 'try' ? 'camel' : 'snake');
    if (retry !== undefined) base.retry = retry;
    if (type !== 'approval') {
      const timeoutMs = readDurationMs(this.context, raw, 'timeout', this.pointer);
      if (timeoutMs !== undefined) base.timeoutMs = timeoutMs;
    }
    this.execution(base);
    const guardrails = this.guardrails();
    if (guardrails !== undefined) base.guardrails = guardrails;
    const authorization = readObject(raw, 'authorization');
    if (authorization !== undefined)
      base.authorization = { permissions: readStrings(authorization, 'permissions') ?? [] };
    return base;
  }

  private continueOnError(): boolean {
    // On forEach and parallel steps `continueOnError` is the step's own item/branch flag.
    if (this.type === 'forEach' || this.type === 'parallel')
      return readBoolean(this.raw, 'continue_on_error') ?? false;
    const value = readAliased(
      this.context,
      this.raw,
      this.pointer,
      'continue_on_error',
      'continueOnError',
      'OW_ALIAS_CONTINUE_ON_ERROR_CASE',
      '"continueOnError" on this step is read as "continue_on_error"',
    )?.value;
    return typeof value === 'boolean' ? value : false;
  }

  private loop(): StepLoop | undefined {
    if (this.type === 'forEach' || this.type === 'parallel-group' || !has(this.raw, 'for_each'))
      return undefined;
    const items = own(this.raw, 'for_each')!;
    this.site('for_each', items, 'value', { loopVariables: this.scope.loopVariables });
    const maxConcurrency = readNumber(this.raw, 'maxConcurrency');
    return {
      items: cloneJson(items),
      parallel: readBoolean(this.raw, 'parallel') ?? false,
      ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
    };
  }

  private execution(base: Mutable<StepBase>): void {
    const backend = readString(this.raw, 'backend');
    const execution = own(this.raw, 'execution');
    if (execution === 'local' || execution === 'cloud') base.executionMode = execution;
    const override = isObject(execution) ? readString(execution, 'backend') : undefined;
    if (backend !== undefined && override !== undefined && backend !== override) {
      this.context.diagnostics.report(
        'OW_BACKEND_CONFLICT',
        this.at('execution', 'backend'),
        `"backend: ${backend}" and "execution.backend: ${override}" disagree`,
      );
    }
    const chosen = backend ?? override;
    if (chosen !== undefined) {
      base.backend = readBackendName(
        this.context,
        chosen,
        this.at(backend !== undefined ? 'backend' : 'execution'),
      );
    }
    const runtime = isObject(execution) ? readString(execution, 'runtime') : undefined;
    if (runtime === 'python' || runtime === 'node' || runtime === 'any') base.runtimeHint = runtime;
  }

  private guardrails(): Guardrails | undefined {
    const raw = readObject(this.raw, 'guardrails');
    if (raw === undefined) return undefined;
    const result: Mutable<Guardrails> = {};
    checkEmbeddedSchema(this.context, own(raw, 'outputSchema'), this.at('guardrails', 'outputSchema'));
    const outputSchema = toJsonSchema(own(raw, 'outputSchema'));
    if (outputSchema !== undefined) result.outputSchema = outputSchema;
    const timeLimitMs = readDurationMs(this.context, raw, 'timeLimit', this.at('guardrails'));
    if (timeLimitMs !== undefined) result.timeLimitMs = timeLimitMs;
    for (const key of ['maxToolCalls', 'maxTokens', 'maxCost', 'toxicityThreshold'] as const) {
      const value = readNumber(raw, key);
      if (value !== undefined) result[key] = value;
    }
    const pii = readBoolean(raw, 'piiDetection');
    if (pii !== undefined) result.piiDetection = pii;
    const topics = readStrings(raw, 'blockedTopics');
    if (topics !== undefined) result.blockedTopics = topics;
    return result;
  }

  /** `input`, with the legacy `with` and `inputs` spellings. */
  private input(): Record<string, JsonValue> {
    const present = (['input', 'with', 'inputs'] as const).filter((key) => has(this.raw, key));
    const [chosen, ...extra] = present;
    for (const key of extra) {
      this.context.diagnostics.report(
        'OW_ALIAS_CONFLICT',
        this.at(key),
        `"${chosen}" and "${key}" both give the step input; keep only "input"`,
        { at: 'key' },
      );
    }
    if (chosen === 'with' || chosen === 'inputs') {
      this.context.diagnostics.report(
        chosen === 'with' ? 'OW_ALIAS_WITH_INPUT' : 'OW_ALIAS_INPUTS_INPUT',
        this.at(chosen),
        `"${chosen}" on a step is read as "input"`,
        { at: 'key' },
      );
    }
    const value = chosen === undefined ? undefined : own(this.raw, chosen);
    if (chosen === undefined || !isObject(value)) return cloneObject({});
    this.site(chosen, value, 'value', { secrets: true });
    return cloneObject(value);
  }

  /** A nested step list, under `key` or (for forEach/try bodies) the older `node` key. */
  private body(
    key: 'steps' | 'then' | 'else' | 'catch' | 'finally' | 'default',
    scope: Partial<StepScope> = {},
  ): Step[] {
    const inner: StepScope = { ...this.scope, ...scope };
    if (key === 'steps') {
      const chosen = readAliased(
        this.context,
        this.raw,
        this.pointer,
        'steps',
        'node',
        'OW_ALIAS_NODE_STEPS',
        '"node" is read as "steps"',
      );
      return chosen === undefined
        ? []
        : normalizeSteps(this.context, chosen.value, this.at(chosen.key), inner);
    }
    return normalizeSteps(this.context, own(this.raw, key), this.at(key), inner);
  }

  private branches(key: 'cases' | 'branches'): { key: string; steps: Step[] }[] {
    const map = readObject(this.raw, key);
    if (map === undefined) return [];
    return orderedEntries(this.context, map, this.at(key)).map(([name, steps]) => ({
      key: name,
      steps: normalizeSteps(this.context, steps, this.at(key, name), this.scope),
    }));
  }

  /** Adds the kind-specific fields. */
  kind(base: Mutable<StepBase>): Step | undefined {
    const { raw } = this;
    switch (base.type) {
      case 'action': {
        const reference = readAliased(
          this.context,
          raw,
          this.pointer,
          'connector',
          'plugin',
          'OW_ALIAS_PLUGIN',
          '"plugin: <slug>" is resolved by slug; write "connector: connector:<namespace>/<name>@<version>"',
        );
        const connector = typeof reference?.value === 'string' ? reference.value : undefined;
        const action = readString(raw, 'action');
        if (connector === undefined || action === undefined) return undefined;
        if (reference?.key === 'connector')
          checkReference(this.context, connector, 'connector', this.at('connector'));
        return { ...base, type: 'action', connector, action, input: this.input() };
      }
      case 'agent': {
        const agent = readString(raw, 'agent');
        if (agent === undefined) return undefined;
        checkReference(this.context, agent, 'agent', this.at('agent'));
        return { ...base, type: 'agent', agent, input: this.input() };
      }
      case 'workflow': {
        const workflow = readString(raw, 'workflow');
        if (workflow === undefined) return undefined;
        if (workflow.startsWith('workflow:')) {
          if (!checkReference(this.context, workflow, 'workflow', this.at('workflow'))) {
            this.context.diagnostics.report(
              'OW_INVALID_RESOURCE_ID',
              this.at('workflow'),
              'A typed subworkflow reference must be workflow:<namespace>/<name>[@<version>]',
            );
          }
        }
        const version = readString(raw, 'version');
        if (version !== undefined) checkVersionSpec(this.context, version, this.at('version'));
        return {
          ...base,
          type: 'workflow',
          workflow,
          ...(version !== undefined ? { version } : {}),
          input: this.input(),
        };
      }
      case 'if': {
        const test = readString(raw, 'condition');
        if (test === undefined) return undefined;
        this.site('condition', test, 'condition', { loopVariables: this.scope.loopVariables });
        // biome-ignore lint/suspicious/noThenProperty: `then` is the if step's branch in the model and the spec.
        return { ...base, type: 'if', test, then: this.body('then'), else: this.body('else') };
      }
      case 'switch': {
        if (!has(raw, 'value')) return undefined;
        const value = own(raw, 'value')!;
        this.site('value', value, 'value');
        const cases: SwitchCase[] = this.branches('cases');
        const step = { ...base, type: 'switch' as const, value: cloneJson(value), cases };
        return has(raw, 'default') ? { ...step, default: this.body('default') } : step;
      }
      case 'forEach': {
        if (!has(raw, 'items')) return undefined;
        const items = own(raw, 'items')!;
        this.site('items', items, 'value', { loopVariables: this.scope.loopVariables });
        const maxConcurrency = readNumber(raw, 'maxConcurrency');
        return {
          ...base,
          type: 'forEach',
          items: cloneJson(items),
          ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
          ordered: readBoolean(raw, 'ordered') ?? false,
          continueOnItemError: readBoolean(raw, 'continueOnError') ?? false,
          steps: this.body('steps', { loopVariables: true }),
        };
      }
      case 'parallel':
        return {
          ...base,
          type: 'parallel',
          join: this.join(),
          continueOnBranchError: readBoolean(raw, 'continueOnError') ?? false,
          branches: this.branches('branches').map(({ key, steps }) => ({ name: key, steps })),
        };
      case 'parallel-group':
        return {
          ...base,
          type: 'parallel-group',
          steps: normalizeSteps(this.context, own(raw, 'parallel'), this.at('parallel'), this.scope),
        };
      case 'wait': {
        const wait = this.waitSpec();
        return wait === undefined ? undefined : { ...base, type: 'wait', wait };
      }
      case 'try': {
        const step = { ...base, type: 'try' as const, steps: this.body('steps') };
        return {
          ...step,
          ...(has(raw, 'catch') ? { catch: this.body('catch', { errorVariable: true }) } : {}),
          ...(has(raw, 'finally') ? { finally: this.body('finally', { errorVariable: true }) } : {}),
        };
      }
      case 'transform': {
        const language = readString(raw, 'language') as TransformLanguage | undefined;
        const expression = readString(raw, 'expression');
        if (language === undefined || expression === undefined) return undefined;
        if (language === 'template') this.site('expression', expression, 'value');
        const step = { ...base, type: 'transform' as const, language, expression };
        if (!has(raw, 'input')) return step;
        const input = own(raw, 'input')!;
        this.site('input', input, 'value');
        return { ...step, input: cloneJson(input) };
      }
      case 'handoff':
        return this.handoff(base);
      case 'approval': {
        const message = own(raw, 'message');
        if (message !== undefined) this.site('message', message, 'value');
        const onTimeout = readString(raw, 'onTimeout');
        return {
          ...base,
          type: 'approval',
          approvers: readStrings(raw, 'approvers') ?? [],
          ...(message !== undefined ? { message: cloneJson(message) } : {}),
          approvalTimeoutMs:
            readDurationMs(this.context, raw, 'timeout', this.pointer) ?? DEFAULT_APPROVAL_TIMEOUT_MS,
          onTimeout: onTimeout === 'allow' || onTimeout === 'escalate' ? onTimeout : 'reject',
        };
      }
      default:
        return undefined;
    }
  }

  /** `join`: `all`, `any`, `{count: n}`, or the aliases `"count(n)"` and `join: count` + `count: n`. */
  private join(): JoinStrategy {
    const join = own(this.raw, 'join');
    const count = readNumber(this.raw, 'count');
    if (join === 'any') return { type: 'any' };
    if (isObject(join)) {
      const n = readNumber(join, 'count');
      return n === undefined ? { type: 'all' } : { type: 'count', count: n };
    }
    if (typeof join === 'string') {
      const call = /^count\(\s*(\d+)\s*\)$/.exec(join);
      if (call !== null) {
        this.context.diagnostics.report(
          'OW_ALIAS_JOIN_COUNT_CALL',
          this.at('join'),
          `"${join}" is read as {count: ${call[1]}}`,
        );
        return { type: 'count', count: Number(call[1]) };
      }
    }
    if ((join === 'count' || join === undefined) && count !== undefined) {
      this.context.diagnostics.report(
        'OW_ALIAS_JOIN_COUNT_KEY',
        this.at('count'),
        `"count: ${count}" is read as join: {count: ${count}}`,
        {
          at: 'key',
        },
      );
      return { type: 'count', count };
    }
    return { type: 'all' };
  }

  private waitSpec(): WaitSpec | undefined {
    const durationMs = readDurationMs(this.context, this.raw, 'duration', this.pointer);
    if (durationMs !== undefined) return { kind: 'duration', durationMs };
    const until = readObject(this.raw, 'until');
    if (until === undefined) return undefined;
    const untilPointer = this.at('until');
    const event = readString(until, 'event');
    if (event !== undefined) {
      const timeoutMs = readDurationMs(this.context, until, 'timeout', untilPointer);
      if (timeoutMs === undefined) {
        this.context.diagnostics.report(
          'OW_WAIT_EVENT_NO_TIMEOUT',
          untilPointer,
          `Waiting for "${event}" without a timeout; the runtime's maximum wait applies`,
        );
      }
      const channel = readString(until, 'channel');
      const filter = readObject(until, 'filter');
      return {
        kind: 'event',
        event,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(channel !== undefined ? { channel } : {}),
        ...(filter !== undefined ? { filter: cloneObject(filter) } : {}),
      };
    }
    const time = readString(until, 'time');
    if (time === undefined) return undefined;
    this.context.templateSites.push({
      pointer: appendPointer(untilPointer, 'time'),
      value: time,
      stepId: this.id,
      role: 'value',
      loopVariables: this.scope.loopVariables || has(this.raw, 'for_each'),
      errorVariable: this.scope.errorVariable,
      secrets: false,
    });
    return { kind: 'time', time };
  }

  private handoff(base: Mutable<StepBase>): Step {
    const { raw } = this;
    const agent = readString(raw, 'agent');
    if (agent !== undefined) checkReference(this.context, agent, 'agent', this.at('agent'));
    const choices: AgentChoice[] = [];
    (readArray(raw, 'selectAgent') ?? []).forEach((entry, index) => {
      if (!isObject(entry)) return;
      const entryPointer = this.at('selectAgent', index);
      const fallback = readString(entry, 'default');
      const target = fallback ?? readString(entry, 'agent');
      if (target === undefined) return;
      checkReference(
        this.context,
        target,
        'agent',
        appendPointer(entryPointer, fallback !== undefined ? 'default' : 'agent'),
      );
      const condition = readString(entry, 'condition');
      if (condition !== undefined) {
        this.context.templateSites.push({
          pointer: appendPointer(entryPointer, 'condition'),
          value: condition,
          stepId: this.id,
          role: 'condition',
          loopVariables: this.scope.loopVariables,
          errorVariable: this.scope.errorVariable,
          secrets: false,
        });
      }
      choices.push({
        ...(condition !== undefined ? { condition } : {}),
        agent: target,
        isDefault: fallback !== undefined,
      });
    });
    const extras: { reason?: JsonValue; context?: JsonValue } = {};
    for (const key of ['reason', 'context'] as const) {
      if (!has(raw, key)) continue;
      const value = own(raw, key)!;
      this.site(key, value, 'value', { secrets: key === 'context' });
      extras[key] = cloneJson(value);
    }
    return {
      ...base,
      type: 'handoff',
      ...(agent !== undefined ? { agent } : {}),
      ...(has(raw, 'selectAgent') ? { selectAgent: choices } : {}),
      ...extras,
      resumeAfter: readBoolean(raw, 'resumeAfter') ?? true,
    };
  }
}

/** Embedded schemas: objects are kept; the boolean schemas become their object equivalents. */
export function toJsonSchema(value: JsonValue | undefined): JsonSchema | undefined {
  if (isObject(value)) return cloneObject(value);
  if (value === true) return cloneObject({});
  if (value === false) return cloneObject({ not: {} });
  return undefined;
}
