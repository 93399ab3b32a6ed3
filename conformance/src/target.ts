/**
 * What the runner needs from a target, whatever transport reaches it. `cmd:` targets speak the
 * JSON-lines driver protocol (`command-target.ts`); an HTTP transport for runtime servers can
 * implement the same interface later without touching the case runner.
 */
import type { JsonValue } from './json.js';
import type {
  Diagnostic,
  HelloResponse,
  ProtocolDocument,
  RunRequest,
  RunResult,
  TargetEvent,
} from './protocol.js';

/** Receives everything a target says about one run. */
export interface RunSink {
  event(event: TargetEvent): void;
  result(result: RunResult): void;
  /**
   * The run cannot continue as a protocol exchange: the target broke the protocol for this
   * request (`violation`), refused it (`refused`, an `error` response) or exited (`exit`).
   */
  failure(kind: 'violation' | 'refused' | 'exit', message: string): void;
}

/** Controls of a started run. Each resolves on the target's `ack` and rejects otherwise. */
export interface RunControl {
  signal(name: string, payload: JsonValue): Promise<void>;
  cancel(reason: string): Promise<void>;
  advance(ms: number): Promise<void>;
}

export type ValidateReply =
  | { readonly ok: true; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly kind: 'violation' | 'refused' | 'exit'; readonly message: string };

export interface Target {
  /** The target's `hello` answer: profiles and capabilities. */
  readonly hello: HelloResponse;
  /** False once the target process is gone. */
  readonly alive: boolean;
  validate(documents: readonly ProtocolDocument[]): Promise<ValidateReply>;
  startRun(request: Omit<RunRequest, 'id' | 'type'>, sink: RunSink): RunControl;
  /** A position in the target's stderr, to read what it wrote since (canary scans). */
  stderrCursor(): number;
  stderrSince(cursor: number): readonly string[];
  close(): Promise<void>;
}

/** A problem the target caused that belongs to no request (garbage lines, unknown ids). */
export interface Violation {
  readonly message: string;
}
