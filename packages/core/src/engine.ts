import type { JsonObject, JsonValue, Workflow } from '@openworkflow/schemas';
import { BackendRegistry } from './backend.js';
import { systemClock } from './clock.js';
import type { EngineOptions, InterruptDecision, StartOptions } from './engine-options.js';
import { OpenWorkflowError } from './errors.js';
import type { RunEvent } from './events.js';
import { TERMINAL_RUN_EVENT_TYPES } from './events.js';
import { silentLogger } from './handler.js';
import { cryptoRandom, uuidGenerator } from './ids.js';
import { DEFAULT_LIMITS } from './limits.js';
import { InMemoryRunStore } from './memory-run-store.js';
import { type ExecutionServices, RunExecution, type RunResult } from './run-execution.js';
import type { RunStore } from './run-store.js';
import { type ValidationReport, validateWorkflow } from './validate.js';

/**
 * A started (or resumed) run.
 *
 * @example
 * const run = engine.start(workflow, { city: 'Paris' });
 * for await (const event of run.events()) console.log(event.sequence, event.type);
 * const result = await run.result; // { status: 'success', outputs, steps }
 */
export interface RunHandle {
  readonly id: string;
  /**
   * The run's events from `fromSequence` (inclusive, default 0): first what is stored, then live
   * ones as they are appended. Ends after the terminal event (or when this engine stops executing
   * the run without finishing it).
   */
  events(fromSequence?: number): AsyncIterableIterator<RunEvent>;
  /** Resolves with the outcome; rejects only when the engine stopped executing the run (close, store failure). */
  readonly result: Promise<RunResult>;
  /** Cancels the run; `false` when it had already ended. */
  cancel(reason?: string): Promise<boolean>;
  /** Delivers an event to the run's `wait until event` steps. */
  signal(name: string, payload?: JsonValue): Promise<void>;
  /** Decides a pending approval. */
  resolveInterrupt(interruptId: string, decision: InterruptDecision): Promise<void>;
}

interface ActiveRun {
  readonly handle: RunHandle;
  readonly ready: Promise<RunExecution>;
  /** Set once `ready` resolves. */
  execution?: RunExecution;
}

/**
 * The OpenWorkflow execution engine: plans and runs workflows, records every state change in the
 * run's event log, and resumes unfinished runs from that log.
 *
 * @example
 * const engine = createEngine({ handlers: [functionExecutor], connectors: connectorsFrom([calc]) });
 * const result = await engine.start(workflow, { a: 1 }).result;
 */
export class Engine {
  readonly #services: ExecutionServices;
  readonly #active = new Map<string, ActiveRun>();
  readonly #appendWaiters = new Map<string, Set<() => void>>();
  readonly #leaseRenewedAt = new Map<string, number>();
  /** Renews the leases of runs with work in flight; runs only while some run is active. */
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: EngineOptions = {}) {
    const idGenerator = options.idGenerator ?? uuidGenerator;
    const handlers = new Map<string, NonNullable<EngineOptions['handlers']>[number]>();
    for (const executor of options.handlers ?? []) handlers.set(executor.type, executor);
    this.#services = {
      store: options.store ?? new InMemoryRunStore(),
      clock: options.clock ?? systemClock,
      random: options.random ?? cryptoRandom,
      idGenerator,
      handlers,
      connectors: options.connectors,
      workflows: options.workflows,
      agents: options.agents,
      backends:
        options.backends instanceof BackendRegistry
          ? options.backends
          : new BackendRegistry(options.backends ?? []),
      environment: options.environment ?? {},
      secrets: options.secrets,
      logger: options.logger ?? silentLogger,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      defaults: options.defaults ?? {},
      transforms: options.transforms ?? {},
      approvals: options.approvals,
      redact: options.redact,
      outputPolicy: options.outputPolicy,
      strictOutputs: options.strictOutputs ?? false,
      owner: options.owner ?? `engine-${idGenerator()}`,
    };
  }

  get store(): RunStore {
    return this.#services.store;
  }

  /** The registered backends (add more with `engine.backends.register`). */
  get backends(): BackendRegistry {
    return this.#services.backends;
  }

  /**
   * Starts a run. The handle is returned at once; inputs are validated inside the run, so invalid
   * inputs give a run that fails with `VALIDATION` before any step runs.
   */
  start(workflow: Workflow, inputs: JsonObject = {}, options: StartOptions = {}): RunHandle {
    this.#assertOpen();
    const services = this.#services;
    const runId = options.runId ?? services.idGenerator();
    const requestId = options.requestId ?? services.idGenerator();
    const siblings = options.siblings ?? [];
    const ready = (async () => {
      await services.store.createRun({
        runId,
        workflow,
        siblings,
        createdAt: services.clock.now(),
        ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      });
      await this.#lease(runId);
      return this.#execution(runId, workflow, siblings, [], requestId, {
        inputs,
        trigger: options.trigger ?? null,
        causationId: options.causationId ?? null,
        dryRun: options.dryRun ?? false,
      });
    })();
    const handle = this.#register(runId, ready);
    if (options.signal !== undefined) {
      const signal = options.signal;
      const onAbort = () => void handle.cancel('aborted by caller').catch(() => {});
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      handle.result.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    }
    return handle;
  }

  /**
   * Takes over a stored run: a finished run yields its recorded result (nothing re-runs); an
   * unfinished one continues where its log ends. Fails `NOT_FOUND` for an unknown run and
   * `UNAVAILABLE` while another engine holds its lease.
   */
  async resume(runId: string, options: { readonly requestId?: string } = {}): Promise<RunHandle> {
    this.#assertOpen();
    const active = this.#active.get(runId);
    if (active !== undefined) return active.handle;
    const services = this.#services;
    const stored = await services.store.getRun(runId);
    if (stored === undefined) {
      throw new OpenWorkflowError('NOT_FOUND', 'No such run', { details: { run_id: runId } });
    }
    const events = await services.store.readEvents(runId);
    const finished = events.some((event) => TERMINAL_RUN_EVENT_TYPES.has(event.type));
    if (!finished && !(await this.#lease(runId, false))) {
      throw new OpenWorkflowError('UNAVAILABLE', 'The run is being executed by another engine', {
        details: { run_id: runId, suggestion: 'Retry after its lease expires' },
      });
    }
    const started = events.find((event) => event.type === 'run.started');
    const requestId = options.requestId ?? services.idGenerator();
    const ready = Promise.resolve(
      this.#execution(runId, stored.workflow, stored.siblings, events, requestId, {
        inputs: (started?.data.inputs as JsonObject | undefined) ?? {},
        trigger: started?.data.trigger ?? null,
        causationId: null,
        dryRun: started?.data.dryRun === true,
      }),
    );
    return this.#register(runId, ready);
  }

  /** Resumes every unfinished run in the store that no other engine holds. */
  async resumeAll(): Promise<RunHandle[]> {
    const runs = await this.#services.store.listRuns({ status: ['running', 'suspended'] });
    const handles: RunHandle[] = [];
    for (const run of runs) {
      try {
        handles.push(await this.resume(run.runId));
      } catch (error) {
        if (!OpenWorkflowError.is(error) || error.code !== 'UNAVAILABLE') throw error;
      }
    }
    return handles;
  }

  /** Delivers a signal to a run, resuming it here first when no engine is executing it. */
  async signal(runId: string, name: string, payload: JsonValue = null): Promise<void> {
    await (await this.resume(runId)).signal(name, payload);
  }

  /** Decides a pending approval of a run. */
  async resolveInterrupt(runId: string, interruptId: string, decision: InterruptDecision): Promise<void> {
    await (await this.resume(runId)).resolveInterrupt(interruptId, decision);
  }

  /** Cancels a run; `false` when it had already ended. */
  async cancel(runId: string, reason?: string): Promise<boolean> {
    return (await this.resume(runId)).cancel(reason);
  }

  /** A run's events from `fromSequence`, live while this engine executes it. */
  events(runId: string, fromSequence = 0): AsyncIterableIterator<RunEvent> {
    return this.#events(runId, fromSequence);
  }

  /**
   * Checks that everything a workflow references resolves in this engine: connectors and their
   * actions and handler executors, agents, subworkflows, backends, transform languages, and that
   * every step list plans (no unknown `needs`, no cycles).
   */
  validate(
    workflow: Workflow,
    options: { readonly siblings?: readonly Workflow[] } = {},
  ): Promise<ValidationReport> {
    return validateWorkflow(this.#services, workflow, options.siblings ?? []);
  }

  /**
   * Stops executing every active run without recording anything more, and releases their leases:
   * the runs stay resumable. Their `result` promises reject.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const runs = [...this.#active.values()];
    const reason = new OpenWorkflowError('INTERNAL_ERROR', 'Engine closed');
    await Promise.all(
      runs.map(async (run) => {
        const execution = await run.ready.catch(() => undefined);
        execution?.haltWith(reason);
        await run.handle.result.catch(() => {});
      }),
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new OpenWorkflowError('UNAVAILABLE', 'The engine is closed');
  }

  async #lease(runId: string, required = true): Promise<boolean> {
    const services = this.#services;
    const now = services.clock.now();
    const lease = await services.store.acquireLease(runId, services.owner, services.limits.leaseTtlMs, now);
    if (lease === undefined && required) {
      throw new OpenWorkflowError('UNAVAILABLE', 'The run is being executed by another engine', {
        details: { run_id: runId },
      });
    }
    if (lease !== undefined) this.#leaseRenewedAt.set(runId, now);
    return lease !== undefined;
  }

  #execution(
    runId: string,
    workflow: Workflow,
    siblings: readonly Workflow[],
    events: readonly RunEvent[],
    requestId: string,
    start: ConstructorParameters<typeof RunExecution>[6],
  ): RunExecution {
    const execution = new RunExecution(
      this.#services,
      runId,
      workflow,
      siblings,
      events,
      requestId,
      start,
      (appended) => this.#onAppended(runId, appended),
      () => this.#onSettled(runId),
    );
    queueMicrotask(() => void execution.execute());
    return execution;
  }

  #register(runId: string, ready: Promise<RunExecution>): RunHandle {
    ready.catch(() => this.#onSettled(runId));
    const services = this.#services;
    const handle: RunHandle = {
      id: runId,
      events: (fromSequence = 0) => this.#events(runId, fromSequence),
      result: ready.then((execution) => execution.result),
      // Each of these resolves once what it recorded is durable in the store.
      cancel: async (reason) => {
        const execution = await ready;
        const requested = execution.cancel(reason, services.idGenerator());
        await execution.writer.flushed();
        return requested;
      },
      signal: async (name, payload = null) => {
        const execution = await ready;
        execution.deliverSignal(name, payload, services.idGenerator());
        await execution.writer.flushed();
      },
      resolveInterrupt: async (interruptId, decision) => {
        const execution = await ready;
        execution.resolveInterrupt(interruptId, decision, services.idGenerator());
        await execution.writer.flushed();
      },
    };
    handle.result.catch(() => {});
    const active: ActiveRun = { handle, ready };
    ready.then(
      (execution) => {
        active.execution = execution;
      },
      () => {},
    );
    this.#active.set(runId, active);
    this.#startHeartbeat();
    return handle;
  }

  /**
   * A run makes no events while a long handler call or a timer is in flight, so progress alone
   * would let its lease lapse and another engine could take over a run that is still executing.
   * The heartbeat renews the lease of every active run that is not suspended, every third of the
   * lease's time to live, on a real timer that does not keep the process alive (it never fires
   * on a fake clock's turns, so `runUntilIdle` still reaches idle). A run whose lease cannot be
   * renewed — another engine holds it now — stops executing here, recording nothing more.
   */
  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    const period = Math.max(10, Math.floor(this.#services.limits.leaseTtlMs / 3));
    this.#heartbeat = setInterval(() => this.#beat(period), period);
    this.#heartbeat.unref?.();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat === undefined) return;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #beat(period: number): void {
    const now = this.#services.clock.now();
    for (const [runId, active] of this.#active) {
      const execution = active.execution;
      if (execution === undefined || execution.halted || execution.suspended) continue;
      if (now - (this.#leaseRenewedAt.get(runId) ?? 0) < period) continue;
      this.#lease(runId, false).then(
        (held) => {
          if (held || this.#active.get(runId) !== active) return;
          execution.haltWith(
            new OpenWorkflowError('UNAVAILABLE', 'The run lease was lost: another engine took the run over', {
              details: { run_id: runId, owner: this.#services.owner },
            }),
          );
        },
        () => {},
      );
    }
  }

  #onAppended(runId: string, events: readonly RunEvent[]): void {
    const waiters = this.#appendWaiters.get(runId);
    if (waiters !== undefined) {
      this.#appendWaiters.delete(runId);
      for (const wake of waiters) wake();
    }
    // Leases are renewed as the run makes progress. The newest event's time (an engine clock read
    // made when it was emitted) stands for "now": no extra clock read per append.
    const services = this.#services;
    const renewedAt = this.#leaseRenewedAt.get(runId) ?? 0;
    const progressAt = events[events.length - 1]!.time;
    if (progressAt - renewedAt > services.limits.leaseTtlMs / 2) {
      this.#lease(runId, false).catch(() => {});
    }
  }

  #onSettled(runId: string): void {
    const active = this.#active.get(runId);
    if (active === undefined) return;
    this.#active.delete(runId);
    if (this.#active.size === 0) this.#stopHeartbeat();
    this.#leaseRenewedAt.delete(runId);
    this.#services.store.releaseLease(runId, this.#services.owner).catch(() => {});
    const waiters = this.#appendWaiters.get(runId);
    if (waiters !== undefined) {
      this.#appendWaiters.delete(runId);
      for (const wake of waiters) wake();
    }
  }

  #nextAppend(runId: string): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#appendWaiters.get(runId);
      if (waiters === undefined) {
        waiters = new Set();
        this.#appendWaiters.set(runId, waiters);
      }
      waiters.add(resolve);
    });
  }

  async *#events(runId: string, fromSequence: number): AsyncIterableIterator<RunEvent> {
    let cursor = Math.max(0, fromSequence);
    for (;;) {
      const active = this.#active.has(runId);
      const wake = active ? this.#nextAppend(runId) : undefined;
      const batch = await this.#services.store.readEvents(runId, cursor);
      for (const event of batch) {
        yield event;
        cursor = event.sequence + 1;
        if (TERMINAL_RUN_EVENT_TYPES.has(event.type)) return;
      }
      if (batch.length > 0) continue;
      if (wake === undefined) return;
      await wake;
    }
  }
}

/**
 * Creates an engine. Every option has a default: an in-memory store, the system clock, no
 * handlers, connectors, agents or backends (steps that need them fail `UNAVAILABLE`).
 *
 * @example
 * import { createEngine, FakeClock, InMemoryRunStore } from '@openworkflow/core';
 * const clock = new FakeClock();
 * const engine = createEngine({ clock, store: new InMemoryRunStore() });
 * const run = engine.start(workflow, {});
 * await clock.runUntilIdle();
 * console.log((await run.result).status);
 */
export function createEngine(options: EngineOptions = {}): Engine {
  return new Engine(options);
}
