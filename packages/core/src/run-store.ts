import type { JsonValue, Workflow } from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import type { RunEvent } from './events.js';

/** A run's status: a projection of its `run.*` events (spec/events.md, "Run status"). */
export type RunStatus = 'running' | 'suspended' | 'success' | 'failed' | 'canceled';

/** Everything needed to execute (and later resume) a run besides its events. */
export interface NewRun {
  readonly runId: string;
  /** The workflow definition, pinned at start so a resume runs exactly what was started. */
  readonly workflow: Workflow;
  /** Other workflows of the same file, for subworkflow resolution. */
  readonly siblings: readonly Workflow[];
  readonly createdAt: number;
  readonly parentRunId?: string;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

export interface StoredRun extends NewRun {
  readonly status: RunStatus;
  /** The sequence the next appended event must carry (= number of events). */
  readonly nextSequence: number;
  readonly updatedAt: number;
}

export interface RunSummary {
  readonly runId: string;
  readonly workflowName: string;
  readonly workflowVersion: string;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly nextSequence: number;
}

export interface ListRunsQuery {
  readonly status?: readonly RunStatus[];
  /** Runs created at or after this time. */
  readonly createdAfter?: number;
  readonly limit?: number;
}

/** Who may execute a run until when. */
export interface RunLease {
  readonly runId: string;
  readonly owner: string;
  readonly expiresAt: number;
}

/**
 * Durable storage of runs and their event logs. The in-memory store is the default; SQLite and
 * Postgres stores implement the same contract (spec/events.md, "RunStore contract"):
 *
 * - `appendEvents` is atomic: all events are stored or none, and only when `expectedSequence`
 *   equals the run's next sequence and the events are numbered consecutively from it; otherwise
 *   it throws `StoreConflictError` (a SQL store gets this from `UNIQUE(run_id, sequence)`).
 * - The run's status follows the appended `run.*` events (the fold in spec/events.md).
 * - `readEvents` returns events in sequence order; it never returns a partial batch.
 * - Leases are advisory (`acquireLease` fails while another owner's lease is unexpired);
 *   the expected-sequence check is what keeps two engines from both writing a run.
 */
export interface RunStore {
  createRun(run: NewRun): Promise<void>;
  getRun(runId: string): Promise<StoredRun | undefined>;
  appendEvents(runId: string, events: readonly RunEvent[], expectedSequence: number): Promise<void>;
  /** Events with `sequence >= fromSequence`, at most `limit` of them. */
  readEvents(runId: string, fromSequence?: number, limit?: number): Promise<readonly RunEvent[]>;
  listRuns(query?: ListRunsQuery): Promise<readonly RunSummary[]>;
  /** Grants (or renews, for the same owner) the lease; `undefined` while someone else holds it. */
  acquireLease(runId: string, owner: string, ttlMs: number, now: number): Promise<RunLease | undefined>;
  releaseLease(runId: string, owner: string): Promise<void>;
}

const CONFLICT_BRAND = Symbol.for('openworkflow.store-conflict');

/**
 * An append whose expected sequence did not match, or a run created twice. It means another
 * writer got there first; the engine stops executing the run rather than overwrite history.
 */
export class StoreConflictError extends OpenWorkflowError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('INTERNAL_ERROR', message, { details: { ...details, reason: 'store_conflict' } });
    this.name = 'StoreConflictError';
    Object.defineProperty(this, CONFLICT_BRAND, { value: true });
  }

  static isConflict(value: unknown): value is StoreConflictError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[CONFLICT_BRAND] === true
    );
  }
}

/** The run status after an event of this type, or `undefined` when the type does not change it. */
export function statusAfter(type: RunEvent['type']): RunStatus | undefined {
  switch (type) {
    case 'run.started':
    case 'run.resumed':
      return 'running';
    case 'run.suspended':
      return 'suspended';
    case 'run.completed':
      return 'success';
    case 'run.failed':
      return 'failed';
    case 'run.canceled':
      return 'canceled';
    default:
      return undefined;
  }
}
