import type { RunEvent } from './events.js';
import {
  type ListRunsQuery,
  type NewRun,
  type RunLease,
  type RunStatus,
  type RunStore,
  type RunSummary,
  StoreConflictError,
  type StoredRun,
  statusAfter,
} from './run-store.js';

interface MemoryRun {
  readonly run: NewRun;
  readonly events: RunEvent[];
  status: RunStatus;
  updatedAt: number;
  lease?: RunLease;
}

/**
 * The default `RunStore`: everything in process memory, lost on exit. Events are kept by
 * reference (they are immutable by contract), so appends cost no copying.
 *
 * @example
 * const store = new InMemoryRunStore();
 * const engine = createEngine({ store });
 */
export class InMemoryRunStore implements RunStore {
  readonly #runs = new Map<string, MemoryRun>();

  async createRun(run: NewRun): Promise<void> {
    if (this.#runs.has(run.runId)) throw new StoreConflictError('Run already exists', { run_id: run.runId });
    this.#runs.set(run.runId, { run, events: [], status: 'running', updatedAt: run.createdAt });
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const entry = this.#runs.get(runId);
    if (entry === undefined) return undefined;
    return {
      ...entry.run,
      status: entry.status,
      nextSequence: entry.events.length,
      updatedAt: entry.updatedAt,
    };
  }

  async appendEvents(runId: string, events: readonly RunEvent[], expectedSequence: number): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry === undefined) throw new StoreConflictError('Unknown run', { run_id: runId });
    if (expectedSequence !== entry.events.length) {
      throw new StoreConflictError('Append conflict', {
        run_id: runId,
        expected_sequence: expectedSequence,
        actual_sequence: entry.events.length,
      });
    }
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      if (event.sequence !== expectedSequence + index || event.runId !== runId) {
        throw new StoreConflictError('Events are not numbered consecutively', { run_id: runId });
      }
    }
    for (const event of events) {
      entry.events.push(event);
      const status = statusAfter(event.type);
      if (status !== undefined) entry.status = status;
      entry.updatedAt = event.time;
    }
  }

  async readEvents(runId: string, fromSequence = 0, limit?: number): Promise<readonly RunEvent[]> {
    const events = this.#runs.get(runId)?.events ?? [];
    const start = Math.max(0, fromSequence);
    return events.slice(start, limit === undefined ? undefined : start + limit);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<readonly RunSummary[]> {
    const out: RunSummary[] = [];
    for (const entry of this.#runs.values()) {
      if (query.status !== undefined && !query.status.includes(entry.status)) continue;
      if (query.createdAfter !== undefined && entry.run.createdAt < query.createdAfter) continue;
      out.push({
        runId: entry.run.runId,
        workflowName: entry.run.workflow.name,
        workflowVersion: entry.run.workflow.version,
        status: entry.status,
        createdAt: entry.run.createdAt,
        updatedAt: entry.updatedAt,
        nextSequence: entry.events.length,
      });
      if (query.limit !== undefined && out.length >= query.limit) break;
    }
    return out;
  }

  async acquireLease(
    runId: string,
    owner: string,
    ttlMs: number,
    now: number,
  ): Promise<RunLease | undefined> {
    const entry = this.#runs.get(runId);
    if (entry === undefined) return undefined;
    const held = entry.lease;
    if (held !== undefined && held.owner !== owner && held.expiresAt > now) return undefined;
    entry.lease = { runId, owner, expiresAt: now + ttlMs };
    return entry.lease;
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry?.lease?.owner === owner) delete entry.lease;
  }
}
