import type { SecretsProvider } from './provider.js';

export interface EnvSecretsProviderOptions {
  /**
   * The environment to read. Required here: only the SDK boundary (the `OpenWorkflow` facade, the
   * CLI) defaults it to `process.env`, so library code never reads the process environment.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Read `<prefix><NAME>` for secret `NAME` (e.g. `OPENWORKFLOW_SECRET_`). Default: none. */
  readonly prefix?: string;
}

/**
 * The default provider: secrets are environment variables. Empty variables count as missing.
 *
 * @example
 * const secrets = new EnvSecretsProvider({ env: process.env });
 * secrets.get('GITHUB_TOKEN');
 */
export class EnvSecretsProvider implements SecretsProvider {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #prefix: string;

  constructor(options: EnvSecretsProviderOptions) {
    this.#env = options.env;
    this.#prefix = options.prefix ?? '';
  }

  get(name: string): string | undefined {
    const key = this.#prefix + name;
    if (!Object.hasOwn(this.#env, key)) return undefined;
    const value = this.#env[key];
    return value === '' ? undefined : value;
  }

  list(): string[] {
    return Object.keys(this.#env)
      .filter(
        (key) => key.startsWith(this.#prefix) && key.length > this.#prefix.length && this.#env[key] !== '',
      )
      .map((key) => key.slice(this.#prefix.length));
  }
}
