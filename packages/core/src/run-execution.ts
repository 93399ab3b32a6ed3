import type { Connector, JsonObject, JsonValue, RetryPolicy, Step, Workflow } from '@openworkflow/schemas';
import type { BackendContext, BackendRegistry } from './backend.js';
import { createBackendContext } from './backend-context.js';
import { CancelScope } from './cancel-scope.js';
import type { Clock } from './clock.js';
import { DeadlineQueue } from './deadline-queue.js';
import type {
  ApprovalHooks,
  EngineDefaults,
  InterruptDecision,
  OutputPolicy,
  RedactHook,
  SecretRequester,
  SecretSource,
} from './engine-options.js';
import { OpenWorkflowError, toOpenWorkflowError } from './errors.js';
import { EventWriter } from './event-writer.js';
import type { ErrorData, RunEvent, RunEventType } from './events.js';
import { eventId } from './events.js';
import { Frame, stepTable } from './frame.js';
import type { HandlerContext, HandlerExecutor, Logger, SecretAccessor } from './handler.js';
import type { IdGenerator, RandomSource } from './ids.js';
import { resolveInputs } from './inputs.js';
import { Journal, type RecordedSignal } from './journal.js';
import type { EngineLimits } from './limits.js';
import { planBlock } from './planner.js';
import type { AgentResolver, ConnectorResolver, WorkflowResolver } from './resolvers.js';
import { backoffDelay, isRetryable, NO_RETRY } from './retry-policy.js';
import type { RunStore } from './run-store.js';
import { Semaphore } from './semaphore.js';
import {
  attemptPrefix,
  fromErrorData,
  IterationPublisher,
  loopItems,
  runPool,
  validateOutput,
} from './step-helpers.js';
import { KINDS } from './step-kinds.js';
import { errorData, type StepRecord } from './step-record.js';
import { referencedSecretNames, renderTemplate, type TemplateScope, testCondition } from './templating.js';
import type { TransformLanguagePlugin } from './transform-languages.js';

/** How a run ended. Run failures are results, never exceptions. */
export interface RunResult {
  readonly runId: string;
  readonly status: 'success' | 'failed' | 'canceled';
  /** The workflow's `outputs`, evaluated after the steps (also when the run failed). */
  readonly outputs: JsonObject;
  /** Every step that ran (nested ones too, under their own ids), keyed by step id. */
  readonly steps: Readonly<Record<string, StepRecord>>;
  /** Why the run failed or was canceled; `details.step_id` names the step when one caused it. */
  readonly error?: ErrorData;
}

/** The engine options after defaults, as the execution uses them. */
export interface ExecutionServices {
  readonly store: RunStore;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly idGenerator: IdGenerator;
  readonly handlers: ReadonlyMap<string, HandlerExecutor>;
  readonly connectors: ConnectorResolver | undefined;
  readonly workflows: WorkflowResolver | undefined;
  readonly agents: AgentResolver | undefined;
  readonly backends: BackendRegistry;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: SecretSource | undefined;
  readonly logger: Logger;
  readonly limits: EngineLimits;
  readonly defaults: EngineDefaults;
  readonly transforms: Readonly<Record<string, TransformLanguagePlugin>>;
  readonly approvals: ApprovalHooks | undefined;
  readonly redact: RedactHook | undefined;
  readonly outputPolicy: OutputPolicy | undefined;
  readonly strictOutputs: boolean;
  readonly owner: string;
}

/** One execution of one step instance, as a step kind sees it. */
export interface StepCall<S extends Step = Step> {
  readonly step: S;
  readonly frame: Frame;
  /** The instance path (`a`, `loop[2]/b`, `retry#2/c`). */
  readonly path: string;
  /** Prefix for the paths of this instance's children (includes the attempt for retried blocks). */
  readonly childPrefix: string;
  readonly attempt: number;
  /** Aborted on cancellation, timeout or engine halt. */
  readonly scope: CancelScope;
  /** Replaying a finished instance: walk children to restore their records, do nothing else. */
  readonly replay: boolean;
  /** In replay, the recorded outcome of this instance. */
  readonly recorded?: StepRecord;
  /** Id of the event that caused this instance's `step.started`. */
  readonly cause: string | null;
  /** When this instance first started (epoch ms), across attempts and resumes. */
  readonly startedAt: number;
  /** Absolute deadline of this attempt (epoch ms), when one applies. */
  readonly deadline?: number;
  /** What the kind's `prepare` returned. */
  readonly prepared: unknown;
}

/** How a block (a list of steps) ended. */
export interface BlockResult {
  readonly status: 'success' | 'failed' | 'canceled';
  readonly error?: OpenWorkflowError;
  /** The record of the block's last step (list order), when it ran. */
  readonly last?: StepRecord;
}

interface SignalWaiter {
  readonly name: string;
  readonly after: number;
  readonly accept: (payload: JsonValue) => boolean;
  readonly resolve: (signal: RecordedSignal) => void;
}

const HALTED = 'RUN_HALTED';

/** `secrets.NAME` anywhere in a handler config, or a bare `${NAME}`. */
const HANDLER_SECRET_REFERENCE = /secrets\.([A-Za-z_][A-Za-z0-9_]*)|\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;

function sameRequester(a: SecretRequester, b: SecretRequester): boolean {
  return (
    a.kind === b.kind &&
    a.workflow === b.workflow &&
    (a.kind === 'workflow' || a.connector === (b as typeof a).connector)
  );
}

function joinPath(prefix: string, id: string): string {
  return prefix === '' ? id : `${prefix}/${id}`;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Executes one run: interprets the workflow's steps against the event log. On a fresh run the log
 * is empty; on resume it holds what happened before, and every instance whose outcome is recorded
 * returns that outcome instead of running again (spec/events.md, "Resume").
 */
/** What a running attempt's cleanup and `pauseAttempt` share. */
interface AttemptState {
  timer: ReturnType<DeadlineQueue['add']> | undefined;
  readonly limit: AttemptLimit | undefined;
  /** An agent waits for a person (see `pauseAttempt`). */
  paused: boolean;
  /** The attempt is over. */
  ended: boolean;
}

const noop = (): void => {};

/** The binding time limit of one attempt. */
interface AttemptLimit {
  readonly deadline: number;
  readonly limitMs: number;
  readonly from: number;
}

export class RunExecution {
  readonly journal: Journal;
  readonly writer: EventWriter;
  readonly #halt = new CancelScope();
  readonly #run: CancelScope;
  readonly #deadlines: DeadlineQueue;
  /** Timeouts of waits for signals and approvals: a separate timer, marked external on the clock. */
  readonly #externalDeadlines: DeadlineQueue;
  readonly #permits: Semaphore | undefined;
  readonly #signalWaiters = new Set<SignalWaiter>();
  /** Per-run memo for step kinds (resolved connectors, actions, executors), keyed by step. */
  readonly memo = new Map<object, unknown>();
  readonly #connectors = new Map<string, Connector | undefined | Promise<Connector | undefined>>();
  readonly #interruptWaiters = new Map<string, (resolution: JsonObject) => void>();
  #secretValues: Readonly<Record<string, string>> = {};
  #secretAccessor: SecretAccessor = emptySecrets;
  #busy = 0;
  #externalWaits = 0;
  #suspended = false;
  #suspendCheck: NodeJS.Immediate | undefined;
  #terminalReached = false;
  #endRequested = false;
  #startedEventId: string | null = null;
  readonly result: Promise<RunResult>;
  #resolveResult!: (result: RunResult) => void;
  #rejectResult!: (error: unknown) => void;

  constructor(
    readonly services: ExecutionServices,
    readonly runId: string,
    readonly workflow: Workflow,
    readonly siblings: readonly Workflow[],
    events: readonly RunEvent[],
    readonly requestId: string,
    private readonly start: {
      readonly inputs: JsonObject;
      readonly trigger: JsonValue;
      readonly causationId: string | null;
      readonly dryRun: boolean;
    },
    onAppended: (events: readonly RunEvent[]) => void,
    private readonly onSettled: () => void,
  ) {
    this.journal = Journal.fromEvents(events);
    this.writer = new EventWriter(
      services.store,
      runId,
      services.clock,
      services.redact,
      requestId,
      this.journal.nextSequence,
      onAppended,
      (error) => this.haltWith(error),
    );
    this.#run = this.#halt.child();
    this.#deadlines = new DeadlineQueue(services.clock);
    this.#externalDeadlines = new DeadlineQueue(services.clock, true);
    const limit = workflow.maxConcurrency;
    this.#permits = limit !== undefined && limit > 0 ? new Semaphore(limit) : undefined;
    this.result = new Promise((resolve, reject) => {
      this.#resolveResult = resolve;
      this.#rejectResult = reject;
    });
    this.result.catch(() => {});
  }

  get clock(): Clock {
    return this.services.clock;
  }

  get finished(): boolean {
    return this.#terminalReached;
  }

  get dryRun(): boolean {
    return (
      this.start.dryRun ||
      (this.workflow.testing?.dryRun?.enabled === true && this.workflow.testing.dryRun.mockConnectors)
    );
  }

  get secrets(): SecretAccessor {
    return this.#secretAccessor;
  }

  /** A scope aborted only when the engine halts: `finally` blocks run under it after a cancel. */
  get haltScope(): CancelScope {
    return this.#halt;
  }

  get halted(): boolean {
    return this.#halt.aborted;
  }

  /** Nothing but external waits (signals, approvals) is left: see `run.suspended`. */
  get suspended(): boolean {
    return this.#suspended;
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------

  /** Runs (or resumes) to the end. The result promise settles when the terminal event is stored. */
  async execute(): Promise<void> {
    try {
      const result = await this.#execute();
      await this.writer.flushed();
      if (this.halted || this.writer.dead) throw this.#haltReason();
      this.#resolveResult(result);
    } catch (error) {
      this.#rejectResult(this.halted ? this.#haltReason() : toOpenWorkflowError(error, 'INTERNAL_ERROR'));
      this.#halt.abort(
        new OpenWorkflowError('INTERNAL_ERROR', 'Run execution halted', { details: { reason: HALTED } }),
      );
    } finally {
      this.#deadlines.dispose();
      this.#externalDeadlines.dispose();
      if (this.#suspendCheck !== undefined) clearImmediate(this.#suspendCheck);
      this.onSettled();
    }
  }

  /** Stops executing without recording anything (engine shutdown or a store failure). */
  haltWith(reason: unknown): void {
    if (this.halted) return;
    this.writer.kill();
    const error = toOpenWorkflowError(reason, 'INTERNAL_ERROR');
    this.#halt.abort(
      new OpenWorkflowError('INTERNAL_ERROR', `Run execution halted: ${error.message}`, {
        details: { reason: HALTED },
        cause: reason,
      }),
    );
  }

  #haltReason(): OpenWorkflowError {
    const reason: unknown = this.#halt.reason;
    return OpenWorkflowError.is(reason)
      ? reason
      : new OpenWorkflowError('INTERNAL_ERROR', 'Run execution halted', { details: { reason: HALTED } });
  }

  async #execute(): Promise<RunResult> {
    const journal = this.journal;
    const terminal = journal.terminal;
    const started = journal.started;
    let inputs = this.start.inputs;
    let trigger = this.start.trigger;
    if (started === undefined) {
      const event = this.emit('run.started', {
        data: {
          workflow: { name: this.workflow.name, version: this.workflow.version },
          inputs,
          trigger,
          ...(this.start.dryRun ? { dryRun: true } : {}),
        },
        causationId: this.start.causationId,
      });
      this.#startedEventId = eventId(event);
    } else {
      inputs = (started.data.inputs as JsonObject | undefined) ?? {};
      trigger = started.data.trigger ?? null;
      this.#startedEventId = eventId(started);
      if (terminal === undefined) {
        const resumed = this.emit('run.resumed', {
          data: { reason: 'recovery', owner: this.services.owner },
          causationId: this.#startedEventId,
        });
        this.#startedEventId = eventId(resumed);
      }
    }
    const runStartedAt = started?.time ?? this.clock.now();

    let resolved: JsonObject;
    try {
      resolved = resolveInputs(this.workflow.inputs, inputs);
    } catch (error) {
      return this.#finish('failed', toOpenWorkflowError(error, 'VALIDATION'), {}, {});
    }
    try {
      await this.#loadSecrets();
    } catch (error) {
      // A secret the run may not read, or a provider that failed: the run fails before any step.
      return this.#finish('failed', toOpenWorkflowError(error, 'INTERNAL_ERROR'), {}, {});
    }
    const root = new Frame({ workflow: this.workflow, depth: 0 }, this.rootScope(resolved, trigger));

    if (terminal !== undefined) {
      await this.runBlock(this.workflow.steps, root, '', this.#run, true, null);
      return this.#resultFromTerminal(terminal, root);
    }

    this.#armRunDeadline(runStartedAt);
    if (journal.cancelRequested !== undefined) this.#abortForCancel(journal.cancelRequested);
    const block = await this.runBlock(this.workflow.steps, root, '', this.#run, false, this.#startedEventId);
    if (this.halted) throw this.#haltReason();

    let status: RunResult['status'] = block.status;
    let error = block.error;
    if (this.#run.aborted && status !== 'success') {
      const reason = this.#run.error();
      status = reason.code === 'CANCELED' ? 'canceled' : 'failed';
      error = reason;
    }
    let outputs: JsonObject = {};
    try {
      outputs = this.evaluateOutputs(this.workflow, root);
      const policy = this.services.outputPolicy?.workflow;
      if (policy !== undefined) outputs = policy(this.workflow.name, outputs);
    } catch (outputError) {
      if (status === 'success') {
        status = 'failed';
        error = toOpenWorkflowError(outputError, 'VALIDATION');
      }
    }
    return this.#finish(status, error, outputs, stepTable(root.records));
  }

  #finish(
    status: RunResult['status'],
    error: OpenWorkflowError | undefined,
    outputs: JsonObject,
    steps: Readonly<Record<string, StepRecord>>,
  ): RunResult {
    const type: RunEventType =
      status === 'success' ? 'run.completed' : status === 'failed' ? 'run.failed' : 'run.canceled';
    const data: JsonObject = { outputs };
    if (error !== undefined) data.error = errorData(error) as unknown as JsonValue;
    if (status === 'canceled' && this.journal.cancelRequested?.reason !== undefined) {
      data.reason = this.journal.cancelRequested.reason;
    }
    this.#terminalReached = true;
    const terminal = this.emit(type, { data, causationId: this.#startedEventId });
    const result: { -readonly [K in keyof RunResult]: RunResult[K] } = {
      runId: this.runId,
      status,
      outputs,
      steps,
    };
    // The result's error is the stored one, redacted at write time (spec/secrets.md, "Sinks").
    if (error !== undefined) result.error = terminal.data.error as unknown as ErrorData;
    return result;
  }

  #resultFromTerminal(terminal: RunEvent, root: Frame): RunResult {
    this.#terminalReached = true;
    const status =
      terminal.type === 'run.completed' ? 'success' : terminal.type === 'run.failed' ? 'failed' : 'canceled';
    const result: { -readonly [K in keyof RunResult]: RunResult[K] } = {
      runId: this.runId,
      status,
      outputs: (terminal.data.outputs as JsonObject | undefined) ?? {},
      steps: stepTable(root.records),
    };
    if (terminal.data.error !== undefined) result.error = terminal.data.error as unknown as ErrorData;
    return result;
  }

  #armRunDeadline(startedAt: number): void {
    const limit = this.workflow.timeoutMs;
    if (limit === undefined) return;
    this.#deadlines.add(startedAt + limit, () => {
      this.#run.abort(
        new OpenWorkflowError('TIMEOUT', `Workflow exceeded its deadline of ${limit} ms`, {
          details: { timeout_ms: limit, elapsed_ms: this.clock.now() - startedAt },
        }),
      );
    });
  }

  async #loadSecrets(): Promise<void> {
    const source = this.services.secrets;
    if (source === undefined) return;
    const workflowResource = this.workflow.id ?? this.workflow.name;
    const requesters = new Map<string, SecretRequester[]>();
    const need = (name: string, requester: SecretRequester) => {
      const list = requesters.get(name);
      if (list === undefined) requesters.set(name, [requester]);
      else if (!list.some((known) => sameRequester(known, requester))) list.push(requester);
    };
    const visit = (workflow: Workflow) => {
      const requester: SecretRequester = { kind: 'workflow', workflow: workflow.id ?? workflow.name };
      for (const name of workflowSecretNames(workflow)) need(name, requester);
    };
    visit(this.workflow);
    for (const sibling of this.siblings) visit(sibling);
    for (const [name, connector] of await this.#handlerSecretNames()) {
      need(name, { kind: 'connector', connector, workflow: workflowResource });
    }
    if (requesters.size === 0) return;
    const names = [...requesters.keys()].sort();
    const values = await source.resolve(names, {
      runId: this.runId,
      workflowName: this.workflow.name,
      workflowResource,
      requesters: Object.fromEntries(requesters),
    });
    this.#secretValues = values;
    this.#secretAccessor = {
      get: (name) => (Object.hasOwn(values, name) ? values[name] : undefined),
      has: (name) => Object.hasOwn(values, name),
      names: () => Object.keys(values),
    };
  }

  /**
   * `[secret name, connector id]` for every secret the handler configs of this run's connectors
   * may read: `${secrets.X}`, `{{ secrets.X }}` and bare `${X}` (which reads a secret before the
   * environment, so it is asked for; a provider without it leaves the environment to answer).
   */
  async #handlerSecretNames(): Promise<Array<[string, string]>> {
    const resolver = this.services.connectors;
    if (resolver === undefined) return [];
    const found: Array<[string, string]> = [];
    const seen = new Set<string>();
    const visitSteps = async (steps: readonly Step[]): Promise<void> => {
      for (const step of steps) {
        if (step.type === 'action' && !seen.has(step.connector)) {
          seen.add(step.connector);
          const connector = await resolver(step.connector);
          if (connector !== undefined) {
            const text = JSON.stringify(connector.actions.map((action) => action.handler));
            for (const match of text.matchAll(HANDLER_SECRET_REFERENCE)) {
              found.push([(match[1] ?? match[2])!, connector.id]);
            }
          }
        }
        for (const child of childBlocks(step)) await visitSteps(child);
      }
    };
    await visitSteps(this.workflow.steps);
    return found;
  }

  /** The template roots of a workflow frame. Secrets appear only as resolved names. */
  rootScope(
    inputs: JsonObject,
    trigger: JsonValue,
    workflow: Workflow = this.workflow,
  ): Record<string, unknown> {
    return {
      inputs,
      env: this.services.environment,
      secrets: this.#secretValues,
      trigger: trigger ?? {},
      workflow: { name: workflow.name, version: workflow.version },
      run: { id: this.runId },
    };
  }

  /** Resolves a connector reference once per run (synchronously after the first time). */
  connector(reference: string): Connector | undefined | Promise<Connector | undefined> {
    if (this.#connectors.has(reference)) return this.#connectors.get(reference);
    const resolved = this.services.connectors?.(reference);
    this.#connectors.set(reference, resolved);
    if (resolved instanceof Promise) {
      resolved.then(
        (connector) => this.#connectors.set(reference, connector),
        () => this.#connectors.delete(reference),
      );
    }
    return resolved;
  }

  /** The context handed to an action handler for one attempt. */
  handlerContext(call: StepCall): HandlerContext {
    return new AttemptContext(this, call);
  }

  /** The context handed to a backend: the handler context plus the backend's name and services. */
  backendContext(call: StepCall, backend: string): BackendContext {
    return createBackendContext(this, call, backend);
  }

  /**
   * Takes a running attempt off the clock (an agent waiting for a person): its time limit stops,
   * it no longer counts as work (so the run can be `suspended`). The returned function puts it
   * back with the time it had left.
   */
  pauseAttempt(call: StepCall): () => void {
    const state = (call as { attemptState?: AttemptState }).attemptState;
    if (state === undefined || state.paused || state.ended) return noop;
    state.paused = true;
    this.#busy--;
    const limit = state.limit;
    let remaining: number | undefined;
    if (state.timer !== undefined && limit !== undefined) {
      remaining = Math.max(0, limit.deadline - this.clock.now());
      this.#deadlines.remove(state.timer);
      state.timer = undefined;
    }
    return () => {
      if (!state.paused || state.ended) return;
      state.paused = false;
      this.#busy++;
      if (remaining !== undefined && limit !== undefined && !call.scope.aborted) {
        const now = this.clock.now();
        // Time spent paused does not count: `elapsed_ms` on a later timeout excludes it.
        state.timer = this.#armAttemptLimit(call, {
          deadline: now + remaining,
          limitMs: limit.limitMs,
          from: now - (limit.limitMs - remaining),
        });
      }
    };
  }

  evaluateOutputs(workflow: Workflow, frame: Frame): JsonObject {
    const outputs: JsonObject = {};
    for (const [name, definition] of Object.entries(workflow.outputs)) {
      outputs[name] = renderTemplate(definition.value, frame.scope, `outputs.${name}`);
    }
    return outputs;
  }

  // -------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------

  emit(type: RunEventType, draft: Parameters<EventWriter['emit']>[1]): RunEvent {
    return this.writer.emit(type, draft);
  }

  // -------------------------------------------------------------------------------------------
  // Blocks and steps
  // -------------------------------------------------------------------------------------------

  /** Requests the end of the run after the current steps (a handoff with `resumeAfter: false`). */
  requestEnd(): void {
    this.#endRequested = true;
  }

  /**
   * Runs a list of steps in the frame's workflow strategy. Sequential: in order, stopping at the
   * first failure. DAG: every step whose dependencies succeeded (or failed with
   * `continue_on_error`) runs, as soon as they allow; dependents of a failure never start.
   */
  async runBlock(
    steps: readonly Step[],
    frame: Frame,
    prefix: string,
    scope: CancelScope,
    replay: boolean,
    cause: string | null,
  ): Promise<BlockResult> {
    if (replay) {
      for (const step of steps) await this.runStep(step, frame, prefix, scope, true, cause);
      return { status: 'success' };
    }
    const strategy = frame.context.workflow.strategy;
    if (strategy !== 'dag') return this.#runSequence(steps, frame, prefix, scope, cause);
    return this.#runGraph(steps, frame, prefix, scope, cause);
  }

  async #runSequence(
    steps: readonly Step[],
    frame: Frame,
    prefix: string,
    scope: CancelScope,
    cause: string | null,
  ): Promise<BlockResult> {
    let last: StepRecord | undefined;
    for (const step of steps) {
      if (scope.aborted) return { status: 'canceled', error: scope.error() };
      if (this.#endRequested) break;
      const record = await this.runStep(step, frame, prefix, scope, false, cause);
      last = record;
      const stop = blockStop(step, record);
      if (stop !== undefined) return stop;
    }
    return blockResult(steps, frame, last);
  }

  #runGraph(
    steps: readonly Step[],
    frame: Frame,
    prefix: string,
    scope: CancelScope,
    cause: string | null,
  ): Promise<BlockResult> {
    const plan = planBlock(steps, 'dag');
    const remaining = plan.indegree.slice();
    const blocked = new Array<boolean>(steps.length).fill(false);
    const outcome = new Array<StepRecord | undefined>(steps.length);
    let running = 0;
    return new Promise((resolve, reject) => {
      const settle = (index: number, bad: boolean) => {
        for (const next of plan.dependents[index]!) {
          if (bad) blocked[next] = true;
          if (--remaining[next]! === 0) {
            if (blocked[next]) settle(next, true);
            else launch(next);
          }
        }
      };
      const launch = (index: number) => {
        if (scope.aborted || this.#endRequested) return;
        running++;
        const step = steps[index]!;
        this.runStep(step, frame, prefix, scope, false, cause).then(
          (record) => {
            running--;
            outcome[index] = record;
            settle(index, blockStop(step, record) !== undefined);
            if (running === 0) finish();
          },
          (error: unknown) => reject(error),
        );
      };
      const finish = () => {
        if (scope.aborted) {
          resolve({ status: 'canceled', error: scope.error() });
          return;
        }
        // The first failure in list order decides, so the result does not depend on timing.
        for (let index = 0; index < steps.length; index++) {
          const record = outcome[index];
          const stop = record === undefined ? undefined : blockStop(steps[index]!, record);
          if (stop !== undefined) {
            resolve(stop);
            return;
          }
        }
        resolve(blockResult(steps, frame, outcome[steps.length - 1]));
      };
      for (const root of plan.roots) launch(root);
      if (running === 0) finish();
    });
  }

  /**
   * Runs one step in a frame: the recorded outcome when the log has one, else `condition`, then
   * the loop (`for_each`) or a single instance with retries and timeouts. Publishes the record.
   * In replay, an instance the log does not know returns `undefined` (it never ran).
   */
  runStep(
    step: Step,
    frame: Frame,
    prefix: string,
    scope: CancelScope,
    replay: boolean,
    cause: string | null,
  ): Promise<StepRecord | undefined> {
    const path = joinPath(prefix, step.id);
    const recorded = this.journal.instances.get(path)?.terminal;
    if (recorded !== undefined) return this.#restoreStep(step, frame, path, scope, recorded, cause);
    if (replay) return Promise.resolve(undefined);
    if (step.condition !== undefined && step.type !== 'if') {
      let record: StepRecord | undefined;
      try {
        if (!testCondition(step.condition, frame.scope, `${step.id}.condition`)) {
          record = { status: 'skipped', output: null, attempts: 0, durationMs: 0 };
          this.emit('step.skipped', {
            stepId: step.id,
            path,
            data: { kind: step.type, output: null, attempts: 0, durationMs: 0, reason: 'condition' },
            causationId: cause,
          });
        }
      } catch (error) {
        record = this.#failWithoutAttempt(step, path, toOpenWorkflowError(error, 'VALIDATION'), cause);
      }
      if (record !== undefined) {
        frame.publish(step.id, step.type, record);
        return Promise.resolve(record);
      }
    }
    // Not `async`: the common case hands back the instance's own promise, which publishes the
    // record itself — one promise and one turn fewer per step.
    if (step.loop === undefined) return this.runInstance(step, frame, path, scope, cause, true);
    return this.#runLoop(step, frame, path, scope, false, cause).then((ran) => {
      if (ran !== undefined) frame.publish(step.id, step.type, ran);
      return ran;
    });
  }

  /** A step the log already has an outcome for: restore its children, publish the record. */
  async #restoreStep(
    step: Step,
    frame: Frame,
    path: string,
    scope: CancelScope,
    recorded: StepRecord,
    cause: string | null,
  ): Promise<StepRecord> {
    if (recorded.status !== 'skipped') {
      if (step.loop !== undefined) await this.#runLoop(step, frame, path, scope, true, cause);
      else await this.#replayInstance(step, frame, path, recorded);
    }
    frame.publish(step.id, step.type, recorded);
    // A handoff that ended the run must end it again when the run is resumed.
    if (step.type === 'handoff' && !step.resumeAfter && recorded.status === 'success') this.requestEnd();
    return recorded;
  }

  async #replayInstance(step: Step, frame: Frame, path: string, recorded: StepRecord): Promise<void> {
    const kind = KINDS[step.type];
    if (!kind.composite) return;
    for (let attempt = 1; attempt <= Math.max(1, recorded.attempts); attempt++) {
      try {
        await kind.execute(this, {
          step,
          frame,
          path,
          childPrefix: attemptPrefix(path, attempt, kind.ownRetry === true),
          attempt,
          scope: this.#halt,
          replay: true,
          recorded,
          cause: null,
          startedAt: recorded.startedAt ?? 0,
          prepared: undefined,
        } as StepCall);
      } catch {
        // A replayed attempt that failed originally fails again; its children are restored anyway.
      }
      if (kind.ownRetry) break;
    }
  }

  /** A step that fails before its first attempt could run (its condition did not evaluate). */
  #failWithoutAttempt(step: Step, path: string, error: OpenWorkflowError, cause: string | null): StepRecord {
    const started = this.emit('step.started', {
      stepId: step.id,
      path,
      attempt: 1,
      data: { kind: step.type, idempotencyKey: this.idempotencyKey(path) },
      causationId: cause,
    });
    return this.#endInstance(step, path, this.clock.now(), 1, null, error, this.#run, eventId(started));
  }

  /** Step-level `for_each`: the step once per item, each iteration a full instance (`path[i]`). */
  async #runLoop(
    step: Step,
    frame: Frame,
    path: string,
    scope: CancelScope,
    replay: boolean,
    cause: string | null,
  ): Promise<StepRecord | undefined> {
    const loop = step.loop!;
    const history = this.journal.instances.get(path);
    const startedAt = history?.firstStartedAt ?? this.clock.now();
    let started: RunEvent | undefined;
    if (!replay && history === undefined) {
      started = this.emit('step.started', {
        stepId: step.id,
        path,
        attempt: 1,
        data: { kind: step.type, loop: true },
        causationId: cause,
      });
    }
    const loopCause = started === undefined ? cause : eventId(started);
    let items: JsonValue;
    try {
      items = loopItems(
        renderTemplate(loop.items, frame.scope, `${step.id}.for_each`),
        `${step.id}.for_each`,
        this.services.limits.maxLoopItems,
      );
    } catch (error) {
      if (replay) return undefined;
      return this.#endInstance(
        step,
        path,
        startedAt,
        1,
        null,
        toOpenWorkflowError(error, 'VALIDATION'),
        scope,
        loopCause,
      );
    }
    const list = items;
    const outputs: JsonValue[] = new Array<JsonValue>(list.length).fill(null);
    const publisher = new IterationPublisher(frame);
    let failure: OpenWorkflowError | undefined;
    const concurrency = loop.parallel ? (loop.maxConcurrency ?? Number.POSITIVE_INFINITY) : 1;
    await runPool(list.length, concurrency, async (index) => {
      if (!replay && (scope.aborted || failure !== undefined)) return false;
      const iteration = frame.iteration({
        item: list[index],
        index,
        isFirst: index === 0,
        isLast: index === list.length - 1,
      });
      const iterationPath = `${path}[${index}]`;
      const recorded = this.journal.instances.get(iterationPath)?.terminal;
      let record: StepRecord | undefined;
      if (recorded !== undefined) {
        await this.#replayInstance(step, iteration, iterationPath, recorded);
        record = recorded;
      } else if (!replay) {
        record = await this.runInstance(step, iteration, iterationPath, scope, loopCause);
      }
      publisher.add(index, iteration);
      if (record === undefined) return true;
      outputs[index] = record.output;
      if (record.status === 'failed' || record.status === 'canceled') {
        failure ??= record.error === undefined ? scope.error() : fromErrorData(record.error);
        return replay;
      }
      return true;
    });
    publisher.flush();
    if (replay) return undefined;
    return this.#endInstance(step, path, startedAt, 1, outputs, failure, scope, loopCause);
  }

  /**
   * One instance of a step: attempts with the retry policy, each under its time limit, with
   * durable backoff. Resumes mid-way when the log shows earlier attempts of this instance.
   */
  async runInstance(
    step: Step,
    frame: Frame,
    path: string,
    scope: CancelScope,
    cause: string | null,
    /** Publish the record in `frame` (a whole step, not one iteration of a loop). */
    publish = false,
  ): Promise<StepRecord> {
    const kind = KINDS[step.type];
    const history = this.journal.instances.get(path);
    const startedAt = history?.firstStartedAt ?? this.clock.now();
    const policy = this.#retryPolicy(step, kind.defaultRetry);
    const stepLimit = this.#stepLimit(step, kind.capped);
    const stepDeadline = stepLimit === undefined ? undefined : startedAt + stepLimit;

    let attempt = history?.attempt ?? 0;
    let resumedAttempt = false;
    if (history !== undefined && attempt > 0) {
      if (history.retryAt !== undefined) {
        try {
          await this.sleepUntil(history.retryAt, scope);
        } catch {
          return this.#published(
            publish,
            frame,
            step,
            this.#endInstance(step, path, startedAt, attempt, null, scope.error(), scope, cause),
          );
        }
      } else {
        attempt -= 1;
        resumedAttempt = true;
      }
    }

    // Resolution and rendering happen inside the first attempt (after its `step.started`) but are
    // never retried: what they fail on cannot change between attempts.
    let prepared: unknown;
    let needsPrepare = kind.prepare !== undefined;
    // A fresh instance's first attempt starts when the instance does: no second clock read.
    let freshStart = history === undefined ? startedAt : undefined;

    for (;;) {
      attempt++;
      // One clock read serves the event and the attempt's start unless preparing had to wait.
      let attemptStart = freshStart ?? this.clock.now();
      freshStart = undefined;
      const startedEvent = this.emit('step.started', {
        time: attemptStart,
        stepId: step.id,
        path,
        attempt,
        data: resumedAttempt
          ? { kind: step.type, idempotencyKey: this.idempotencyKey(path), resumed: true }
          : { kind: step.type, idempotencyKey: this.idempotencyKey(path) },
        causationId: cause,
      });
      resumedAttempt = false;
      const attemptCause = eventId(startedEvent);
      if (needsPrepare) {
        needsPrepare = false;
        try {
          const pending = kind.prepare!(this, step, frame);
          if (pending instanceof Promise) {
            prepared = await pending;
            attemptStart = this.clock.now();
          } else {
            prepared = pending;
          }
        } catch (error) {
          const failure = toOpenWorkflowError(error, 'INTERNAL_ERROR');
          return this.#published(
            publish,
            frame,
            step,
            this.#endInstance(step, path, startedAt, attempt, null, failure, scope, attemptCause),
          );
        }
      }
      let failure: OpenWorkflowError;
      try {
        const limit = this.#attemptLimit(kind, step, prepared, attemptStart, stepDeadline, stepLimit);
        const attemptScope = scope.child();
        const call: { -readonly [K in keyof StepCall]: StepCall[K] } = {
          step,
          frame,
          path,
          childPrefix: attemptPrefix(path, attempt, kind.ownRetry === true),
          startedAt,
          attempt,
          scope: attemptScope,
          replay: false,
          cause: attemptCause,
          prepared,
        };
        if (limit !== undefined) call.deadline = limit.deadline;
        let output = await this.#attempt(kind, call, limit);
        output = this.#checkGuardrails(step, output);
        if (kind.leaf) output = this.#applyStepPolicy(step, output);
        // A block that retries itself (`try`) reports its own attempt count.
        const attempts = kind.ownRetry === true ? ownAttempts(output, attempt) : attempt;
        return this.#published(
          publish,
          frame,
          step,
          this.#endInstance(step, path, startedAt, attempts, output, undefined, scope, attemptCause, attempt),
        );
      } catch (error) {
        failure = scope.aborted ? scope.error() : toOpenWorkflowError(error);
      }
      const now = this.clock.now();
      const deadlinePassed = stepDeadline !== undefined && now >= stepDeadline;
      if (
        !scope.aborted &&
        !this.halted &&
        !deadlinePassed &&
        attempt < policy.maxAttempts &&
        isRetryable(failure, policy)
      ) {
        const delay = backoffDelay(policy, attempt, this.services.random);
        const retryAt = now + delay;
        if (stepDeadline === undefined || retryAt < stepDeadline) {
          this.emit('step.retrying', {
            stepId: step.id,
            path,
            attempt,
            data: {
              kind: step.type,
              error: errorData(failure) as unknown as JsonValue,
              delayMs: delay,
              retryAt,
              nextAttempt: attempt + 1,
            },
            causationId: attemptCause,
          });
          try {
            await this.sleepUntil(retryAt, scope);
          } catch {
            return this.#published(
              publish,
              frame,
              step,
              this.#endInstance(step, path, startedAt, attempt, null, scope.error(), scope, attemptCause),
            );
          }
          continue;
        }
      }
      return this.#published(
        publish,
        frame,
        step,
        this.#endInstance(step, path, startedAt, attempt, null, failure, scope, attemptCause),
      );
    }
  }

  /** Executes one attempt of a kind under its deadline, holding a concurrency permit for leaves. */
  /** The binding time limit of an attempt: the step's total limit or the kind's per-attempt one, whichever ends first. */
  #attemptLimit(
    kind: (typeof KINDS)[Step['type']],
    step: Step,
    prepared: unknown,
    attemptStart: number,
    stepDeadline: number | undefined,
    stepLimit: number | undefined,
  ): AttemptLimit | undefined {
    let limit =
      stepDeadline === undefined || stepLimit === undefined
        ? undefined
        : { deadline: stepDeadline, limitMs: stepLimit, from: stepDeadline - stepLimit };
    const perAttempt = kind.attemptLimitMs?.(this, step, prepared);
    if (perAttempt !== undefined) {
      const capped = Math.min(perAttempt, this.services.limits.maxTimeoutMs);
      if (limit === undefined || attemptStart + capped < limit.deadline) {
        limit = { deadline: attemptStart + capped, limitMs: capped, from: attemptStart };
      }
    }
    return limit;
  }

  /** Executes one attempt of a kind under its deadline, holding a concurrency permit for leaves. */
  #attempt(
    kind: (typeof KINDS)[Step['type']],
    call: StepCall,
    limit: AttemptLimit | undefined,
  ): Promise<JsonValue> {
    const permits = kind.permit ? this.#permits : undefined;
    if (permits === undefined) return this.#attemptHolding(kind, call, limit, undefined);
    if (call.scope.aborted) return Promise.reject(call.scope.error());
    if (permits.tryAcquire()) return this.#attemptHolding(kind, call, limit, permits);
    return permits.acquire(call.scope).then(() => this.#attemptHolding(kind, call, limit, permits));
  }

  /**
   * One attempt once it holds its permit (if it needs one). Not `async`: a leaf's attempt is one
   * promise that races the handler against the attempt's abort and cleans up exactly once.
   */
  #attemptHolding(
    kind: (typeof KINDS)[Step['type']],
    call: StepCall,
    limit: AttemptLimit | undefined,
    permits: Semaphore | undefined,
  ): Promise<JsonValue> {
    // Only real work keeps a run from counting as suspended; waits and blocks do not.
    const busy = kind.permit;
    if (busy) this.#busy++;
    const scope = call.scope;
    const state: AttemptState = {
      timer: limit === undefined ? undefined : this.#armAttemptLimit(call, limit),
      limit,
      paused: false,
      ended: false,
    };
    // Only work can be paused (see `pauseAttempt`); a field on the call, not a map entry.
    if (busy) (call as { attemptState?: AttemptState }).attemptState = state;
    const cleanup = (): void => {
      if (state.ended) return;
      state.ended = true;
      if (state.timer !== undefined) this.#deadlines.remove(state.timer);
      scope.dispose();
      if (busy && !state.paused) this.#busy--;
      permits?.release();
      if (this.#externalWaits > 0) this.#scheduleSuspendCheck();
    };
    if (!kind.leaf) {
      let pending: Promise<JsonValue>;
      try {
        pending = kind.execute(this, call);
      } catch (error) {
        cleanup();
        return Promise.reject(error);
      }
      return pending.then(
        (output) => {
          cleanup();
          if (scope.aborted) throw scope.error();
          return output;
        },
        (error: unknown) => {
          cleanup();
          throw error;
        },
      );
    }
    // A leaf races its own abort: a handler that ignores its signal cannot hold the run. The
    // abort listener needs no unregistering: `cleanup` disposes the attempt's scope.
    return new Promise<JsonValue>((resolve, reject) => {
      scope.listen(() => {
        cleanup();
        reject(scope.error());
      });
      try {
        kind.execute(this, call).then(
          (value) => {
            cleanup();
            if (kind.settle === undefined) {
              resolve(value);
              return;
            }
            try {
              resolve(kind.settle(this, call, value));
            } catch (error) {
              reject(scope.aborted ? scope.error() : error);
            }
          },
          (error: unknown) => {
            cleanup();
            if (scope.aborted) reject(scope.error());
            else reject(kind.fail === undefined ? error : kind.fail(this, call, error));
          },
        );
      } catch (error) {
        cleanup();
        reject(error);
      }
    });
  }

  #armAttemptLimit(call: StepCall, limit: AttemptLimit): ReturnType<DeadlineQueue['add']> {
    const scope = call.scope;
    return this.#deadlines.add(limit.deadline, () =>
      scope.abort(
        new OpenWorkflowError(
          'TIMEOUT',
          `Step '${call.step.id}' exceeded its timeout of ${limit.limitMs} ms`,
          {
            details: {
              timeout_ms: limit.limitMs,
              elapsed_ms: this.clock.now() - limit.from,
              step_id: call.step.id,
            },
          },
        ),
      ),
    );
  }

  /** Publishes an instance's record in its frame when it stands for the whole step. */
  #published(publish: boolean, frame: Frame, step: Step, record: StepRecord): StepRecord {
    if (publish) frame.publish(step.id, step.type, record);
    return record;
  }

  #endInstance(
    step: Step,
    path: string,
    startedAt: number,
    attempts: number,
    output: JsonValue,
    error: OpenWorkflowError | undefined,
    scope: CancelScope,
    cause: string | null,
    /** The attempt the event belongs to, when it differs from the count (a `try` block's retries). */
    eventAttempt = attempts,
  ): StepRecord {
    const endedAt = this.clock.now();
    const durationMs = endedAt - startedAt;
    if (error === undefined) {
      this.emit('step.completed', {
        time: endedAt,
        stepId: step.id,
        path,
        attempt: eventAttempt,
        data: { kind: step.type, output, attempts, startedAt, durationMs },
        causationId: cause,
      });
      return { status: 'success', output, attempts, startedAt, endedAt, durationMs };
    }
    const canceled = error.code === 'CANCELED' && scope.aborted;
    const recordedAttempts = attempts;
    const ended = this.emit(canceled ? 'step.canceled' : 'step.failed', {
      stepId: step.id,
      path,
      attempt: eventAttempt,
      data: {
        kind: step.type,
        output,
        error: errorData(error) as unknown as JsonValue,
        attempts: recordedAttempts,
        startedAt,
        durationMs,
        ...(canceled ? {} : { continued: step.continueOnError }),
      },
      causationId: cause,
    });
    // The record carries the error as stored: redacted at write time like the event (spec/secrets.md, "Sinks").
    return {
      status: canceled ? 'canceled' : 'failed',
      output,
      error: ended.data.error as unknown as ErrorData,
      attempts: recordedAttempts,
      startedAt,
      endedAt,
      durationMs,
    };
  }

  #retryPolicy(step: Step, defaultRetry: boolean): RetryPolicy {
    if (step.type === 'try') return NO_RETRY;
    return step.retry ?? (defaultRetry ? (this.services.defaults.retry ?? NO_RETRY) : NO_RETRY);
  }

  /** The step's total time limit: `timeout`, narrowed by `guardrails.timeLimit`, capped for leaves. */
  #stepLimit(step: Step, capped: boolean): number | undefined {
    let limit = step.timeoutMs;
    const guard = step.guardrails?.timeLimitMs;
    if (guard !== undefined) limit = limit === undefined ? guard : Math.min(limit, guard);
    if (limit !== undefined && capped) limit = Math.min(limit, this.services.limits.maxTimeoutMs);
    return limit;
  }

  #applyStepPolicy(step: Step, output: JsonValue): JsonValue {
    const policy = this.services.outputPolicy?.step;
    return policy === undefined ? output : policy(step.id, output);
  }

  #checkGuardrails(step: Step, output: JsonValue): JsonValue {
    const schema = step.guardrails?.outputSchema;
    if (schema === undefined) return output;
    return validateOutput(schema, output, `${step.id}.guardrails.outputSchema`);
  }

  /** Stable across attempts and resumes of one instance: what providers deduplicate on. */
  idempotencyKey(path: string): string {
    return `${this.runId}:${path}`;
  }

  renderIn(frame: Frame, value: Parameters<typeof renderTemplate>[0], where: string): JsonValue {
    return renderTemplate(value, frame.scope, where);
  }

  conditionIn(scope: TemplateScope, condition: string, where: string): boolean {
    return testCondition(condition, scope, where);
  }

  // -------------------------------------------------------------------------------------------
  // Time, signals, interrupts, cancellation
  // -------------------------------------------------------------------------------------------

  /** Sleeps until `at` on the engine clock (durable: the caller recorded `at` in the log). */
  async sleepUntil(at: number, scope: CancelScope): Promise<void> {
    const ms = at - this.clock.now();
    if (ms <= 0) {
      if (scope.aborted) throw scope.error();
      return;
    }
    this.#busy++;
    try {
      await this.clock.sleep(ms, scope.signal);
    } finally {
      this.#busy--;
    }
  }

  /**
   * Waits for a signal named `name` that arrived after log position `after` and that `accept`s,
   * or until `until` (then resolves `undefined`). Signals already in the log are checked first.
   */
  async waitForSignal(
    name: string,
    after: number,
    accept: (payload: JsonValue) => boolean,
    until: number,
    scope: CancelScope,
  ): Promise<RecordedSignal | undefined> {
    for (const recorded of this.journal.signals) {
      if (recorded.sequence > after && recorded.name === name && accept(recorded.payload)) return recorded;
    }
    this.#externalWaits++;
    this.#scheduleSuspendCheck();
    let off: (() => void) | undefined;
    let timer: ReturnType<DeadlineQueue['add']> | undefined;
    let waiter: SignalWaiter | undefined;
    try {
      return await new Promise<RecordedSignal | undefined>((resolve, reject) => {
        waiter = { name, after, accept, resolve };
        this.#signalWaiters.add(waiter);
        off = scope.onAbort(() => reject(scope.error()));
        timer = this.#externalDeadlines.add(until, () => resolve(undefined));
      });
    } finally {
      if (waiter !== undefined) this.#signalWaiters.delete(waiter);
      off?.();
      if (timer !== undefined) this.#externalDeadlines.remove(timer);
      this.#externalWaits--;
    }
  }

  /** Delivers a signal: records it, then wakes every active wait it matches. */
  deliverSignal(name: string, payload: JsonValue, requestId: string): void {
    if (this.#terminalReached || this.halted) {
      throw new OpenWorkflowError('VALIDATION', 'The run has already ended', {
        details: { field: 'runId', constraint: 'active', run_id: this.runId },
      });
    }
    const event = this.emit('signal.received', { data: { name, payload }, causationId: null, requestId });
    const recorded: RecordedSignal = { sequence: event.sequence, name, payload };
    this.journal.signals.push(recorded);
    const woken = [...this.#signalWaiters].filter(
      (waiter) => waiter.name === name && waiter.after < event.sequence && waiter.accept(payload),
    );
    if (woken.length > 0) this.#markResumed();
    for (const waiter of woken) {
      this.#signalWaiters.delete(waiter);
      waiter.resolve(recorded);
    }
  }

  /**
   * Waits for the resolution of an interrupt already requested in the log, or until `until`
   * (then resolves `undefined`).
   */
  async waitForInterrupt(
    interruptId: string,
    until: number,
    scope: CancelScope,
  ): Promise<JsonObject | undefined> {
    const known = this.journal.interrupts.get(interruptId)?.resolution;
    if (known !== undefined) return known;
    this.#externalWaits++;
    this.#scheduleSuspendCheck();
    let off: (() => void) | undefined;
    let timer: ReturnType<DeadlineQueue['add']> | undefined;
    try {
      return await new Promise<JsonObject | undefined>((resolve, reject) => {
        this.#interruptWaiters.set(interruptId, resolve);
        off = scope.onAbort(() => reject(scope.error()));
        timer = this.#externalDeadlines.add(until, () => resolve(undefined));
      });
    } finally {
      this.#interruptWaiters.delete(interruptId);
      off?.();
      if (timer !== undefined) this.#externalDeadlines.remove(timer);
      this.#externalWaits--;
    }
  }

  /** Records an approval decision and wakes the step waiting for it. Exactly one decision wins. */
  resolveInterrupt(interruptId: string, decision: InterruptDecision, requestId: string): void {
    const interrupt = this.journal.interrupts.get(interruptId);
    if (interrupt === undefined || this.#terminalReached) {
      throw new OpenWorkflowError('NOT_FOUND', 'No pending interrupt with this id', {
        details: { interrupt_id: interruptId, run_id: this.runId },
      });
    }
    if (interrupt.resolution !== undefined) {
      throw new OpenWorkflowError('VALIDATION', 'The interrupt is already resolved', {
        details: { field: 'interruptId', constraint: 'pending', interrupt_id: interruptId },
      });
    }
    const approvers = (interrupt.data.approvers as string[] | undefined) ?? [];
    if (approvers.length > 0 && (decision.by === undefined || !approvers.includes(decision.by))) {
      throw new OpenWorkflowError('PERMISSION_DENIED', 'Not an approver of this step', {
        details: { interrupt_id: interruptId },
      });
    }
    const resolution: JsonObject = { interruptId, approved: decision.approved };
    if (decision.by !== undefined) resolution.by = decision.by;
    if (decision.comment !== undefined) resolution.comment = decision.comment;
    this.emit('interrupt.resolved', { data: resolution, causationId: null, requestId });
    interrupt.resolution = resolution;
    if (this.#interruptWaiters.has(interruptId)) this.#markResumed();
    const wake = this.#interruptWaiters.get(interruptId);
    this.#interruptWaiters.delete(interruptId);
    wake?.(resolution);
  }

  /** Requests cancellation: recorded first (so a resume honours it), then every in-flight step is aborted. */
  cancel(reason: string | undefined, requestId: string): boolean {
    if (this.#terminalReached || this.halted || this.#run.aborted) return false;
    const data: JsonObject = { canceledAt: isoTime(this.clock.now()) };
    if (reason !== undefined) data.reason = reason;
    this.emit('run.cancel-requested', { data, causationId: null, requestId });
    this.journal.cancelRequested = data;
    this.#abortForCancel(data);
    return true;
  }

  #abortForCancel(data: JsonObject): void {
    const reason = typeof data.reason === 'string' ? data.reason : undefined;
    this.#run.abort(
      new OpenWorkflowError('CANCELED', reason === undefined ? 'Run canceled' : `Run canceled: ${reason}`, {
        details: { canceled_at: data.canceledAt ?? isoTime(this.clock.now()) },
      }),
    );
  }

  #markResumed(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    this.emit('run.resumed', { data: { reason: 'signal' }, causationId: this.#startedEventId });
  }

  /** `run.suspended` once nothing but external waits is left; checked after the current turn settles. */
  #scheduleSuspendCheck(): void {
    if (this.#suspendCheck !== undefined) return;
    this.#suspendCheck = setImmediate(() => {
      this.#suspendCheck = undefined;
      if (this.#terminalReached || this.halted) return;
      const idle = this.#busy === 0 && this.#externalWaits > 0;
      if (idle && !this.#suspended) {
        this.#suspended = true;
        this.emit('run.suspended', {
          data: { reason: 'external', waits: this.#externalWaits },
          causationId: this.#startedEventId,
        });
      }
    });
  }
}

function ownAttempts(output: JsonValue, fallback: number): number {
  const attempts =
    output !== null && typeof output === 'object' && !Array.isArray(output) ? output.attempts : undefined;
  return typeof attempts === 'number' ? attempts : fallback;
}

/**
 * The handler context of one attempt. A class rather than an object literal: `signal` is a
 * prototype getter, so the `AbortSignal` is created only for handlers that read it, without the
 * large cost V8 charges for literals with accessors on this hot path.
 */
class AttemptContext implements HandlerContext {
  readonly runId: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly stepId: string;
  readonly stepName: string;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly inputs: JsonObject;
  readonly previousSteps: HandlerContext['previousSteps'];
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: SecretAccessor;
  readonly executionMode: HandlerContext['executionMode'];
  readonly traceId: string;
  readonly deadline?: number;
  readonly #scope: CancelScope;
  readonly #baseLogger: Logger;
  #logger: Logger | undefined;

  constructor(exec: RunExecution, call: StepCall) {
    const step = call.step;
    this.runId = exec.runId;
    this.workflowId = exec.runId;
    this.workflowName = call.frame.context.workflow.name;
    this.stepId = step.id;
    this.stepName = step.label ?? step.id;
    this.attempt = call.attempt;
    this.idempotencyKey = exec.idempotencyKey(call.path);
    this.inputs = (call.frame.scope.inputs as JsonObject | undefined) ?? {};
    this.previousSteps = call.frame.steps as HandlerContext['previousSteps'];
    this.environment = exec.services.environment;
    this.secrets = exec.secrets;
    this.executionMode = step.executionMode ?? 'local';
    this.traceId = exec.runId;
    this.#baseLogger = exec.services.logger;
    if (call.deadline !== undefined) this.deadline = call.deadline;
    this.#scope = call.scope;
  }

  get signal(): AbortSignal {
    return this.#scope.signal;
  }

  get canceled(): boolean {
    return this.#scope.aborted;
  }

  /** A logger whose lines carry the run, step and attempt (made on first use). */
  get logger(): Logger {
    this.#logger ??= this.#baseLogger.child({
      run_id: this.runId,
      step_id: this.stepId,
      attempt: this.attempt,
    });
    return this.#logger;
  }
}

/** Secret names each workflow's templates read, found once per workflow object (documents are not mutated). */
const secretNamesByWorkflow = new WeakMap<Workflow, readonly string[]>();

/** The secret names `workflow`'s steps and outputs read (`secrets.NAME`), in first-read order. */
function workflowSecretNames(workflow: Workflow): readonly string[] {
  let names = secretNamesByWorkflow.get(workflow);
  if (names === undefined) {
    const outputs = Object.values(workflow.outputs).map((output) => output.value);
    names = [...new Set([...referencedSecretNames(workflow.steps), ...referencedSecretNames(outputs)])];
    secretNamesByWorkflow.set(workflow, names);
  }
  return names;
}

const emptySecrets: SecretAccessor = { get: () => undefined, has: () => false, names: () => [] };

/** The nested step lists of a step (branches, bodies, catch/finally). */
export function childBlocks(step: Step): readonly (readonly Step[])[] {
  switch (step.type) {
    case 'if':
      return [step.then, step.else];
    case 'switch':
      return [
        ...step.cases.map((entry) => entry.steps),
        ...(step.default === undefined ? [] : [step.default]),
      ];
    case 'forEach':
    case 'parallel-group':
      return [step.steps];
    case 'parallel':
      return step.branches.map((branch) => branch.steps);
    case 'try':
      return [step.steps, step.catch ?? [], step.finally ?? []];
    default:
      return [];
  }
}

function blockStop(step: Step, record: StepRecord | undefined): BlockResult | undefined {
  if (record === undefined) return undefined;
  if (record.status === 'canceled') return { status: 'canceled', error: fromErrorData(record.error) };
  if (record.status === 'failed' && !step.continueOnError) {
    const error = fromErrorData(record.error);
    return {
      status: 'failed',
      error:
        error.details.step_id === undefined
          ? new OpenWorkflowError(error.code, error.message, {
              details: { ...error.details, step_id: step.id },
            })
          : error,
    };
  }
  return undefined;
}

function blockResult(steps: readonly Step[], frame: Frame, fallback: StepRecord | undefined): BlockResult {
  const lastStep = steps[steps.length - 1];
  const last = lastStep === undefined ? fallback : frame.records.get(lastStep.id);
  return last === undefined ? { status: 'success' } : { status: 'success', last };
}
