import { listSecrets, readSecret, type SecretRequestContext, type SecretsProvider } from './provider.js';

/**
 * Asks providers in order and returns the first value found (`Vault` first, the environment as
 * fallback). Only "not found" falls through: a provider that fails stops the chain with its
 * error, so an outage of the primary store never silently serves a stale fallback value.
 *
 * @example
 * const secrets = new ChainSecretsProvider([vault, new EnvSecretsProvider({ env: process.env })]);
 */
export class ChainSecretsProvider implements SecretsProvider {
  readonly #providers: readonly SecretsProvider[];

  constructor(providers: readonly SecretsProvider[]) {
    this.#providers = [...providers];
  }

  async get(name: string, context?: SecretRequestContext): Promise<string | undefined> {
    for (const provider of this.#providers) {
      const value = await readSecret(provider, name, context);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  async list(): Promise<string[]> {
    const names = new Set<string>();
    for (const provider of this.#providers) for (const name of await listSecrets(provider)) names.add(name);
    return [...names];
  }
}
