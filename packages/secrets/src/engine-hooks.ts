/**
 * Structural copies of the engine hooks this package plugs into (`EngineOptions.secrets`,
 * `EngineOptions.redact`, `RunEvent`), so it builds against any engine version that has them.
 * They match `@openworkflow/core`'s `SecretSource`, `RedactHook` and `RunEvent` exactly.
 */

/** What the engine passes when it asks for a run's secrets. */
export interface SecretSourceContext {
  readonly runId: string;
  readonly workflowName: string;
}

/** `EngineOptions.secrets`: asked once per run for every secret name the run references. */
export interface SecretSource {
  resolve(names: readonly string[], context: SecretSourceContext): Promise<Readonly<Record<string, string>>>;
}

/** The part of a run event the redactor reads and rewrites. */
export interface RedactableEvent {
  readonly sequence: number;
  readonly type: string;
  readonly runId: string;
  readonly stepId?: string;
  readonly path?: string;
  readonly attempt?: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly causation_id: string | null;
  readonly request_id: string;
}
