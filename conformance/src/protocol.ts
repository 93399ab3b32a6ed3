/**
 * The driver protocol's messages as TypeScript types. The JSON Schema
 * (`schema/protocol.schema.json`) is the contract; these types mirror it for the runner's code.
 */
import type { JsonObject, JsonValue } from './json.js';

export interface ProtocolDocument {
  readonly name: string;
  readonly content: string;
  readonly parsed?: JsonValue;
}

export type ClockOption = { readonly mode: 'real' } | { readonly mode: 'virtual'; readonly start: string };

export interface RunRequest {
  readonly id: string;
  readonly type: 'run';
  readonly runId: string;
  readonly documents: readonly ProtocolDocument[];
  readonly workflow: string;
  readonly inputs: JsonObject;
  readonly secrets: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly options: {
    readonly clock: ClockOption;
    readonly network: { readonly allowOrigins: readonly string[] };
  };
}

export type RunnerMessage =
  | {
      readonly id: string;
      readonly type: 'hello';
      readonly protocol: string;
      readonly suite: { readonly name: string; readonly version: string };
    }
  | { readonly id: string; readonly type: 'validate'; readonly documents: readonly ProtocolDocument[] }
  | RunRequest
  | {
      readonly id: string;
      readonly type: 'signal';
      readonly runId: string;
      readonly name: string;
      readonly payload: JsonValue;
    }
  | { readonly id: string; readonly type: 'cancel'; readonly runId: string; readonly reason: string }
  | { readonly id: string; readonly type: 'advance'; readonly runId: string; readonly ms: number }
  | { readonly id: string; readonly type: 'shutdown' };

export interface TargetCapabilities {
  readonly validate?: boolean;
  readonly signals?: boolean;
  readonly cancel?: boolean;
  readonly virtualTime?: boolean;
  readonly parsedDocuments?: boolean;
  readonly maxConcurrentRuns?: number;
}

export interface HelloResponse {
  readonly id: string;
  readonly type: 'hello';
  readonly protocol: string;
  readonly name: string;
  readonly version: string;
  readonly profiles: readonly string[];
  readonly capabilities: TargetCapabilities;
}

export interface ErrorRecord {
  readonly code: string;
  readonly message: string;
  readonly details?: JsonObject;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly document?: string;
  readonly line?: number;
  readonly column?: number;
  readonly pointer?: string;
}

/** The event envelope a target emits for every state change of a run. */
export interface TargetEvent {
  readonly sequence: number;
  readonly type: string;
  readonly runId: string;
  readonly stepId?: string;
  readonly attempt?: number;
  readonly time: string;
  readonly data: JsonObject;
}

export interface StepRecord {
  readonly status: 'success' | 'failed' | 'skipped' | 'canceled';
  readonly output?: JsonValue;
  readonly error?: ErrorRecord;
  readonly attempts: number;
}

export interface RunResult {
  readonly runId: string;
  readonly status: 'success' | 'failed' | 'canceled';
  readonly outputs: JsonObject;
  readonly steps: Readonly<Record<string, StepRecord>>;
  readonly error?: ErrorRecord;
}

export type TargetMessage =
  | HelloResponse
  | { readonly id: string; readonly type: 'validated'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly id: string; readonly type: 'event'; readonly event: TargetEvent }
  | { readonly id: string; readonly type: 'result'; readonly result: RunResult }
  | { readonly id: string; readonly type: 'ack' }
  | {
      readonly id: string;
      readonly type: 'error';
      readonly code: 'UNSUPPORTED' | 'BAD_REQUEST' | 'UNKNOWN_RUN' | 'INTERNAL';
      readonly message: string;
    };

/** Event types that end a run; exactly one of them is the last event. */
export const TERMINAL_EVENT_TYPES: Readonly<Record<RunResult['status'], string>> = {
  success: 'run.completed',
  failed: 'run.failed',
  canceled: 'run.canceled',
};
