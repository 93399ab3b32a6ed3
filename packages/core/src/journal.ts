import type { JsonObject, JsonValue } from '@openworkflow/schemas';
import type { ErrorData, RunEvent, StepEndData } from './events.js';
import { eventId, TERMINAL_RUN_EVENT_TYPES } from './events.js';
import type { StepRecord } from './step-record.js';

/** What the log says about one step instance (one `path`). */
export interface InstanceHistory {
  /** Highest attempt with a `step.started`. */
  attempt: number;
  firstStartedAt?: number;
  /** Set when the last started attempt ended in `step.retrying`: when the next attempt is due. */
  retryAt?: number;
  /** Retries of a `try` block: attempt number → when it is due. */
  blockRetries?: Map<number, number>;
  /** The `step.waiting` of a wait or approval: its sequence and payload. */
  waiting?: { readonly sequence: number; readonly data: JsonObject };
  terminal?: StepRecord;
}

export interface RecordedSignal {
  readonly sequence: number;
  readonly name: string;
  readonly payload: JsonValue;
}

export interface RecordedInterrupt {
  readonly data: JsonObject;
  resolution?: JsonObject;
}

/**
 * The fold of a run's event log that resume needs: per-instance history, signals, interrupts,
 * a pending cancel and the terminal event. Built once from the stored events; the live run keeps
 * adding its own signals and interrupts to it.
 */
export class Journal {
  readonly instances = new Map<string, InstanceHistory>();
  readonly signals: RecordedSignal[] = [];
  readonly interrupts = new Map<string, RecordedInterrupt>();
  started?: RunEvent;
  cancelRequested?: JsonObject;
  terminal?: RunEvent;
  nextSequence = 0;

  static fromEvents(events: readonly RunEvent[]): Journal {
    const journal = new Journal();
    for (const event of events) journal.apply(event);
    return journal;
  }

  apply(event: RunEvent): void {
    this.nextSequence = event.sequence + 1;
    const data = event.data;
    switch (event.type) {
      case 'run.started':
        this.started = event;
        return;
      case 'run.cancel-requested':
        this.cancelRequested = data;
        return;
      case 'signal.received':
        this.signals.push({
          sequence: event.sequence,
          name: String(data.name),
          payload: data.payload ?? null,
        });
        return;
      case 'interrupt.requested':
        this.interrupts.set(String(data.interruptId), { data });
        return;
      case 'interrupt.resolved': {
        const interrupt = this.interrupts.get(String(data.interruptId));
        if (interrupt !== undefined) interrupt.resolution = data;
        return;
      }
      default:
        break;
    }
    if (TERMINAL_RUN_EVENT_TYPES.has(event.type)) {
      this.terminal = event;
      return;
    }
    if (event.path === undefined) return;
    let history = this.instances.get(event.path);
    if (history === undefined) {
      history = { attempt: 0 };
      this.instances.set(event.path, history);
    }
    switch (event.type) {
      case 'step.started':
        history.attempt = Math.max(history.attempt, event.attempt ?? 1);
        history.firstStartedAt ??= event.time;
        delete history.retryAt;
        return;
      case 'step.retrying':
        if (data.scope === 'block') {
          history.blockRetries ??= new Map();
          history.blockRetries.set(Number(data.nextAttempt), Number(data.retryAt));
        } else {
          history.retryAt = Number(data.retryAt);
        }
        return;
      case 'step.waiting':
        history.waiting = { sequence: event.sequence, data };
        return;
      case 'step.completed':
      case 'step.failed':
      case 'step.skipped':
      case 'step.canceled':
        history.terminal = recordFromEvent(event);
        return;
      default:
        return;
    }
  }

  /** The causation id of the run's first event, for events of a resumed run. */
  startedId(): string | null {
    return this.started === undefined ? null : eventId(this.started);
  }
}

const STATUS_BY_TYPE = {
  'step.completed': 'success',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.canceled': 'canceled',
} as const;

/** Rebuilds a step record from its terminal event. */
export function recordFromEvent(event: RunEvent): StepRecord {
  const data = event.data as unknown as StepEndData;
  const status = STATUS_BY_TYPE[event.type as keyof typeof STATUS_BY_TYPE];
  const record: {
    -readonly [K in keyof StepRecord]: StepRecord[K];
  } = {
    status,
    output: data.output ?? null,
    attempts: data.attempts ?? 0,
    durationMs: data.durationMs ?? 0,
  };
  // A skipped step never started or ended; the live record has no times either.
  if (status !== 'skipped') record.endedAt = event.time;
  if (data.error !== undefined) record.error = data.error as ErrorData;
  if (data.startedAt !== undefined) record.startedAt = data.startedAt;
  return record;
}
