import type { ObservedEvent } from '../src/observed-event.js';

/**
 * Builds event streams shaped like the engine's (spec/events.md): numbered, timed, with the
 * causation ids the engine sets (a step's `step.started` is caused by its enclosing step's).
 */
export class EventStream {
  readonly events: ObservedEvent[] = [];
  time: number;
  readonly #runId: string;

  constructor(runId = 'run-1', start = 1_700_000_000_000) {
    this.#runId = runId;
    this.time = start;
  }

  emit(type: string, fields: Partial<Omit<ObservedEvent, 'sequence' | 'type' | 'runId'>> = {}): string {
    const sequence = this.events.length;
    this.events.push({
      sequence,
      type,
      runId: this.#runId,
      time: this.time,
      data: {},
      correlation_id: this.#runId,
      causation_id: null,
      request_id: 'req-1',
      ...fields,
    });
    return `${this.#runId}:${sequence}`;
  }

  advance(ms: number): this {
    this.time += ms;
    return this;
  }

  runStarted(name = 'report', version = '1.0.0'): string {
    return this.emit('run.started', { data: { workflow: { name, version }, inputs: {}, trigger: null } });
  }

  /** `step.started` for an instance; returns its event id (the cause of its children). */
  started(
    path: string,
    kind: string,
    cause: string,
    attempt = 1,
    data: Record<string, unknown> = {},
  ): string {
    return this.emit('step.started', {
      stepId: stepIdOf(path),
      path,
      attempt,
      causation_id: cause,
      data: { kind, idempotencyKey: `${this.#runId}:${path}`, ...data },
    });
  }

  ended(
    type: 'step.completed' | 'step.failed' | 'step.skipped' | 'step.canceled',
    path: string,
    kind: string,
    cause: string,
    data: Record<string, unknown> = {},
  ): string {
    return this.emit(type, {
      stepId: stepIdOf(path),
      path,
      attempt: 1,
      causation_id: cause,
      data: { kind, output: null, attempts: 1, durationMs: 5, ...data },
    });
  }
}

function stepIdOf(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.replace(/\[\d+\]$/, '').replace(/#\d+$/, '');
}

/**
 * A run of a workflow with `if`, `forEach` and `parallel`:
 *
 * ```
 * fetch (action)
 * check (if → then: notify (action))
 * each (forEach over 2 items: send (action), the second retried once)
 * fan (parallel join all: a/ping (action), b/pong (action))
 * ```
 */
export function logicWorkflowStream(): EventStream {
  const stream = new EventStream();
  const run = stream.runStarted('pipeline', '2.1.0');
  const fetch = stream.advance(1).started('fetch', 'action', run);
  stream
    .advance(10)
    .ended('step.completed', 'fetch', 'action', fetch, { output: { ok: true }, durationMs: 10 });
  const check = stream.advance(1).started('check', 'if', run);
  const notify = stream.advance(1).started('check/notify', 'action', check);
  stream.advance(3).ended('step.completed', 'check/notify', 'action', notify);
  stream
    .advance(1)
    .ended('step.completed', 'check', 'if', check, { output: { branch: 'then', conditionResult: true } });
  const each = stream.advance(1).started('each', 'forEach', run);
  const send0 = stream.advance(1).started('each[0]/send', 'action', each);
  stream.advance(2).ended('step.completed', 'each[0]/send', 'action', send0);
  const send1 = stream.advance(1).started('each[1]/send', 'action', each);
  stream.advance(2).emit('step.retrying', {
    stepId: 'send',
    path: 'each[1]/send',
    attempt: 1,
    causation_id: send1,
    data: {
      kind: 'action',
      error: { code: 'TIMEOUT', message: 'slow', details: {} },
      delayMs: 100,
      nextAttempt: 2,
    },
  });
  const send1b = stream.advance(100).started('each[1]/send', 'action', each, 2);
  stream.advance(2).ended('step.completed', 'each[1]/send', 'action', send1b, { attempts: 2 });
  stream.advance(1).ended('step.completed', 'each', 'forEach', each, {
    output: { results: [null, null], successCount: 2, errorCount: 0, totalCount: 2, status: 'success' },
  });
  const fan = stream.advance(1).started('fan', 'parallel', run);
  const ping = stream.started('fan/ping', 'action', fan);
  const pong = stream.started('fan/pong', 'action', fan);
  stream.advance(4).ended('step.completed', 'fan/ping', 'action', ping);
  stream.advance(1).ended('step.completed', 'fan/pong', 'action', pong);
  stream.advance(1).ended('step.completed', 'fan', 'parallel', fan, {
    output: { branches: {}, completedCount: 2, errorCount: 0, joinStrategy: 'all' },
  });
  stream.advance(1).emit('run.completed', { causation_id: run, data: { outputs: {} } });
  return stream;
}
