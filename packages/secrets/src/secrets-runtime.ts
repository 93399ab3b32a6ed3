import { OpenWorkflowError, type OutputPolicy, type SecretSource } from '@openworkflow/core';
import type { RedactableEvent, SecretSourceContext } from './engine-hooks.js';
import { guardOutput } from './exposure.js';
import { SecretMasker } from './masker.js';
import { readSecret, type SecretsProvider } from './provider.js';
import { Redactor, type RedactorOptions } from './redactor.js';
import { type SecretDefinition, type SecretRequester, scopeAllows } from './scope.js';
import { Secret } from './secret.js';

/** Spec §13.4 `execution.security.secretRedaction`. */
export interface SecretRedactionOptions {
  /**
   * Field-name redaction on or off (default on). Known secret values are masked either way: the
   * spec's "logs and errors are always redacted" leaves no setting that lets a value through.
   */
  readonly enabled?: boolean;
  /** Field-name patterns (word sequences). Default `DEFAULT_KEY_PATTERNS`. */
  readonly patterns?: readonly string[];
  /** Replacement for values under sensitive field names. Default `***REDACTED***`. */
  readonly redactedValue?: string;
  /** Fail a step or workflow whose output holds a secret value with `SECRET_EXPOSURE`. Default false. */
  readonly blockOnExposure?: boolean;
  /** Drop `user:password@` from URLs. Default true. */
  readonly stripUrlCredentials?: boolean;
}

export interface SecretsRuntimeOptions {
  /** Declared secrets (spec §13.4): provider key and scope per name. Undeclared names are unscoped. */
  readonly definitions?: Readonly<Record<string, SecretDefinition>>;
  readonly redaction?: SecretRedactionOptions;
  /** Share a masker between runtimes (one per process is the usual). Default: a new one. */
  readonly masker?: SecretMasker;
  /** Called for every access decision: the audit trail spec §13.4 asks for (names only, never values). */
  readonly onAccess?: (record: SecretAccessRecord) => void;
}

/**
 * What the engine passes to `resolve`: the run, the workflow's resource id and, per name, who
 * reads it. Callers outside the engine may leave out the last two; then every name counts as read
 * by the workflow's own templates, which is the stricter reading for connector-scoped secrets.
 */
export type SecretResolveContext = Omit<SecretSourceContext, 'workflowResource' | 'requesters'> &
  Partial<Pick<SecretSourceContext, 'workflowResource' | 'requesters'>>;

/** One audited access decision. */
export interface SecretAccessRecord {
  readonly name: string;
  readonly runId: string | undefined;
  readonly requester: SecretRequester;
  readonly outcome: 'granted' | 'missing' | 'denied' | 'failed';
  /** The error code on `denied` and `failed`. */
  readonly code?: string;
}

/** Everything a runtime needs from the secrets package, built by {@link createSecretsRuntime}. */
export interface SecretsRuntime {
  /** `EngineOptions.secrets`: scope-checked, values registered with the masker before use. */
  readonly source: SecretSource & {
    resolve(
      names: readonly string[],
      context: SecretResolveContext,
    ): Promise<Readonly<Record<string, string>>>;
  };
  /** `EngineOptions.redact`: write-time redaction of every event. */
  readonly redact: <E extends RedactableEvent>(event: E) => E;
  readonly masker: SecretMasker;
  /** Redaction of anything else: log fields, error envelopes, spans, CLI output, HTTP responses. */
  readonly redactor: Redactor;
  readonly blockOnExposure: boolean;
  /** The output policy for a step's output (redacted, or `SECRET_EXPOSURE` when blocking). */
  guardStepOutput<T>(stepId: string, output: T): T;
  /** The output policy for a workflow's `outputs`. */
  guardWorkflowOutputs<T>(workflowName: string, outputs: T): T;
  /** `EngineOptions.outputPolicy`: both guards, so live results and downstream steps see masked values. */
  readonly outputPolicy: OutputPolicy;
  /** One scope-checked read for a requester, as a `Secret` that never prints its value. */
  read(
    name: string,
    requester: SecretRequester,
    context?: { readonly runId?: string },
  ): Promise<Secret | undefined>;
  /** Masks a value that did not come from the provider (a token minted at run time: `::add-mask::`). */
  register(name: string, value: string): void;
}

/**
 * Builds the secrets side of a runtime from one provider: the engine's `SecretSource` and
 * `RedactHook`, the shared masker and the redactor every other sink uses.
 *
 * @example
 * const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: process.env }), {
 *   redaction: { blockOnExposure: true },
 * });
 * const engine = createEngine({ secrets: secrets.source, redact: secrets.redact });
 */
export function createSecretsRuntime(
  provider: SecretsProvider,
  options: SecretsRuntimeOptions = {},
): SecretsRuntime {
  const masker = options.masker ?? new SecretMasker();
  const redaction = options.redaction ?? {};
  const redactorOptions: { -readonly [K in keyof RedactorOptions]: RedactorOptions[K] } = { masker };
  if (redaction.enabled === false) redactorOptions.keyPatterns = false;
  else if (redaction.patterns !== undefined) redactorOptions.keyPatterns = redaction.patterns;
  if (redaction.redactedValue !== undefined) redactorOptions.redactedValue = redaction.redactedValue;
  if (redaction.stripUrlCredentials !== undefined)
    redactorOptions.stripUrlCredentials = redaction.stripUrlCredentials;
  const redactor = new Redactor(redactorOptions);
  const definitions = options.definitions ?? {};
  const blockOnExposure = redaction.blockOnExposure === true;
  const audit = options.onAccess ?? (() => {});

  const authorize = (name: string, requester: SecretRequester, runId: string | undefined): void => {
    const definition = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
    if (scopeAllows(definition?.scope, requester)) return;
    audit({ name, runId, requester, outcome: 'denied', code: 'PERMISSION_DENIED' });
    const who =
      requester.kind === 'connector'
        ? `connector '${requester.connector}'`
        : `workflow '${requester.workflow}'`;
    throw new OpenWorkflowError('PERMISSION_DENIED', `Secret '${name}' is not in scope for ${who}`, {
      details: {
        secret_name: name,
        ...(requester.kind === 'connector' ? { connector: requester.connector } : {}),
        workflow: requester.workflow,
      },
    });
  };

  const fetch = async (
    name: string,
    requester: SecretRequester,
    runId: string | undefined,
    workflowName?: string,
  ) => {
    const definition = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
    let value: string | undefined;
    try {
      value = await readSecret(provider, definition?.key ?? name, {
        ...(runId === undefined ? {} : { runId }),
        ...(workflowName === undefined ? {} : { workflowName }),
        workflowResource: requester.workflow,
        ...(requester.kind === 'connector' ? { connector: requester.connector } : {}),
      });
      // Registered before anyone sees it: from here on every sink masks it.
      if (value !== undefined) masker.add(name, value);
    } catch (error) {
      const failure = OpenWorkflowError.is(error)
        ? error
        : new OpenWorkflowError('INTERNAL_ERROR', String(error));
      audit({ name, runId, requester, outcome: 'failed', code: failure.code });
      throw new OpenWorkflowError(failure.code, redactor.text(failure.message), {
        // Names in details are not secret; only values are masked here.
        details: redactor.value(failure.details, { keys: false }),
        cause: error,
      });
    }
    audit({ name, runId, requester, outcome: value === undefined ? 'missing' : 'granted' });
    return value;
  };

  const source: SecretsRuntime['source'] = {
    async resolve(names: readonly string[], context: SecretResolveContext) {
      const ownRequester: SecretRequester = {
        kind: 'workflow',
        workflow: context.workflowResource ?? context.workflowName,
      };
      const requestersOf = (name: string) => context.requesters?.[name] ?? [ownRequester];
      // Every check first: a run that may not read one of its secrets reads none of them.
      for (const name of names)
        for (const requester of requestersOf(name)) authorize(name, requester, context.runId);
      const settled = await Promise.allSettled(
        names.map((name) => fetch(name, requestersOf(name)[0]!, context.runId, context.workflowName)),
      );
      const values: Record<string, string> = {};
      for (const [index, outcome] of settled.entries()) {
        if (outcome.status === 'rejected') throw outcome.reason;
        if (outcome.value !== undefined) values[names[index]!] = outcome.value;
      }
      return values;
    },
  };

  const guardStepOutput = <T>(stepId: string, output: T): T =>
    guardOutput({ step: stepId }, output, redactor, { blockOnExposure });
  const guardWorkflowOutputs = <T>(workflowName: string, outputs: T): T =>
    guardOutput({ workflow: workflowName }, outputs, redactor, { blockOnExposure });

  return {
    source,
    redact: redactor.event,
    masker,
    redactor,
    blockOnExposure,
    guardStepOutput,
    guardWorkflowOutputs,
    outputPolicy: { step: guardStepOutput, workflow: guardWorkflowOutputs },
    async read(name, requester, context = {}) {
      authorize(name, requester, context.runId);
      const value = await fetch(name, requester, context.runId);
      return value === undefined ? undefined : new Secret(name, value);
    },
    register: (name, value) => masker.add(name, value),
  };
}
