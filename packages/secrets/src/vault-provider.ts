import { OpenWorkflowError } from '@openworkflow/core';
import { PROVIDER_TIMEOUT_MS } from './limits.js';
import type { SecretsProvider } from './provider.js';
import { type FetchFunction, readCappedText, unreachable } from './remote-read.js';

export interface VaultSecretsProviderOptions {
  /** The Vault server, e.g. `https://vault.internal:8200`. */
  readonly address: string;
  /** A Vault token (sent as `X-Vault-Token`), or a function returning the current one. */
  readonly token: string | (() => string | Promise<string>);
  /** The KV v2 mount. Default `secret`. */
  readonly mount?: string;
  /**
   * A secret document whose keys are the secret names (`openworkflow/prod` holding `GITHUB_TOKEN`,
   * `DB_PASSWORD`, …). Without it each name is its own path and the value is its `value` key; a
   * name `path/to/doc#field` always selects one field of one document.
   */
  readonly path?: string;
  /** Vault Enterprise namespace (`X-Vault-Namespace`). */
  readonly namespace?: string;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
  readonly timeoutMs?: number;
}

const PROVIDER = 'Vault';

/**
 * HashiCorp Vault's KV version 2 secrets engine over its HTTP API, with token authentication:
 * `GET /v1/<mount>/data/<path>` returns `{data: {data: {...}, metadata}}`. A missing document or
 * field is "not found"; 403 is `PERMISSION_DENIED`; anything else (sealed, 5xx, network) is
 * `UNAVAILABLE`. Path segments are URL-encoded and `.`/`..` segments refused, so a secret name
 * cannot reach another Vault endpoint. Wrap it in `CachedSecretsProvider` to avoid a request per
 * run.
 *
 * @example
 * const vault = new VaultSecretsProvider({ address: 'https://vault:8200', token, path: 'openworkflow/prod' });
 */
export class VaultSecretsProvider implements SecretsProvider {
  readonly #options: VaultSecretsProviderOptions;
  readonly #fetch: FetchFunction;

  constructor(options: VaultSecretsProviderOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async get(name: string): Promise<string | undefined> {
    const hash = name.indexOf('#');
    const [path, field] =
      hash >= 0
        ? [name.slice(0, hash), name.slice(hash + 1)]
        : this.#options.path === undefined
          ? [name, 'value']
          : [this.#options.path, name];
    const document = await this.#read('data', path);
    const data = (document?.data as { data?: unknown } | undefined)?.data;
    if (typeof data !== 'object' || data === null || !Object.hasOwn(data, field)) return undefined;
    const value = (data as Record<string, unknown>)[field];
    if (typeof value !== 'string') {
      throw new OpenWorkflowError('VALIDATION', `Vault field '${field}' of '${path}' is not a string`, {
        details: { provider: PROVIDER, path, field },
      });
    }
    return value;
  }

  /** With `path`: the document's keys. Without: the names under the mount's root (`?list=true`). */
  async list(): Promise<string[]> {
    if (this.#options.path !== undefined) {
      const document = await this.#read('data', this.#options.path);
      const data = (document?.data as { data?: unknown } | undefined)?.data;
      return typeof data === 'object' && data !== null ? Object.keys(data) : [];
    }
    const listing = await this.#read('metadata', '', '?list=true');
    const keys = (listing?.data as { keys?: unknown } | undefined)?.keys;
    return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : [];
  }

  async #read(
    kind: 'data' | 'metadata',
    path: string,
    query = '',
  ): Promise<Record<string, unknown> | undefined> {
    const url = `${this.#options.address.replace(/\/+$/, '')}/v1/${encodePath(this.#options.mount ?? 'secret')}/${kind}/${encodePath(path)}${query}`;
    const token =
      typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token;
    const headers: Record<string, string> = { 'x-vault-token': token, accept: 'application/json' };
    if (this.#options.namespace !== undefined) headers['x-vault-namespace'] = this.#options.namespace;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: 'GET',
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? PROVIDER_TIMEOUT_MS),
      });
      text = await readCappedText(response, PROVIDER);
    } catch (error) {
      if (OpenWorkflowError.is(error)) throw error;
      throw unreachable(PROVIDER, error);
    }
    if (response.status === 404) return undefined;
    if (response.status === 403) {
      throw new OpenWorkflowError('PERMISSION_DENIED', `Vault denied access to '${path}'`, {
        details: { provider: PROVIDER, path, status: 403 },
      });
    }
    if (response.status !== 200) {
      throw new OpenWorkflowError('UNAVAILABLE', `Vault answered ${response.status} for '${path}'`, {
        details: { provider: PROVIDER, path, status: response.status },
      });
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new OpenWorkflowError(
        'UNAVAILABLE',
        `Vault answered with a body that is not JSON for '${path}'`,
        {
          details: { provider: PROVIDER, path },
        },
      );
    }
  }
}

function encodePath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      throw new OpenWorkflowError('VALIDATION', `Vault path '${path}' may not contain '.' or '..' segments`, {
        details: { provider: PROVIDER, path },
      });
    }
  }
  return segments.map(encodeURIComponent).join('/');
}
