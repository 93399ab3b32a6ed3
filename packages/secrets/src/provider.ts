import { OpenWorkflowError } from '@openworkflow/core';
import { Secret } from './secret.js';

/** Who is asking for a secret; providers may ignore it (the seed's `CustomSecrets` does). */
export interface SecretRequestContext {
  readonly runId?: string;
  readonly workflowName?: string;
  /** The workflow's resource id (`workflow:<namespace>/<name>@<version>`), when known. */
  readonly workflowResource?: string;
  /** The connector whose handler config reads the secret (`connector:<ns>/<name>@<version>`). */
  readonly connector?: string;
}

/** What `get` may return: a value, a `Secret`, or nothing (`null`/`undefined`: not found). */
export type SecretLookup = string | Secret | null | undefined;

/**
 * A source of secret values. `get` may be synchronous or asynchronous, so any object with a `get`
 * method works — the seed's `class CustomSecrets { get(key) { return 'secret_value' } }` unchanged.
 * Return nothing for a missing name; throw `UNAVAILABLE` when the store cannot be reached and
 * `PERMISSION_DENIED` when it refuses.
 */
export interface SecretsProvider {
  get(name: string, context?: SecretRequestContext): SecretLookup | Promise<SecretLookup>;
  /** The names this provider can serve (never the values), when it can tell. */
  list?(): readonly string[] | Promise<readonly string[]>;
}

/**
 * Reads one secret through any provider and normalises the answer to a string or `undefined`.
 * Anything but a string is `VALIDATION`; a failure that is not already classified becomes
 * `UNAVAILABLE` naming the secret and the error's class (its message may quote a request).
 */
export async function readSecret(
  provider: SecretsProvider,
  name: string,
  context: SecretRequestContext = {},
): Promise<string | undefined> {
  let found: unknown;
  try {
    found = await provider.get(name, context);
  } catch (error) {
    if (OpenWorkflowError.is(error)) throw error;
    throw new OpenWorkflowError('UNAVAILABLE', `Secrets provider failed to read '${name}'`, {
      details: { secret_name: name, error_type: error instanceof Error ? error.name : typeof error },
      cause: error,
    });
  }
  if (found === null || found === undefined) return undefined;
  if (typeof found === 'string') return found;
  if (Secret.is(found)) return found.reveal();
  throw new OpenWorkflowError(
    'VALIDATION',
    `Secrets provider returned a ${typeof found} for '${name}', not a string`,
    {
      details: { secret_name: name, type: typeof found },
    },
  );
}

/** The names a provider lists, or an empty list when it cannot. */
export async function listSecrets(provider: SecretsProvider): Promise<readonly string[]> {
  return provider.list === undefined ? [] : await provider.list();
}
