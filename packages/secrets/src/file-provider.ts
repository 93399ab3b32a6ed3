import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseEnv } from 'node:util';
import { OpenWorkflowError } from '@openworkflow/core';
import { MAX_SECRETS_FILE_BYTES } from './limits.js';
import type { SecretsProvider } from './provider.js';

export interface FileSecretsProviderOptions {
  readonly path: string;
  /** Default: `json` for `.json` files, `dotenv` otherwise. */
  readonly format?: 'dotenv' | 'json';
}

/**
 * Secrets from a file: a dotenv file (`NAME=value`, quotes, `export`, comments and multi-line
 * quoted values, parsed by Node's own `util.parseEnv`) or a JSON object of string values. The file
 * is read once, on first use; {@link FileSecretsProvider.reload} reads it again (after a rotation).
 * A missing or malformed file is `UNAVAILABLE`/`VALIDATION` naming the file and, for JSON, the key —
 * never a value.
 *
 * @example
 * const secrets = new FileSecretsProvider({ path: '.secrets.env' });
 */
export class FileSecretsProvider implements SecretsProvider {
  readonly #path: string;
  readonly #format: 'dotenv' | 'json';
  #values: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(options: FileSecretsProviderOptions) {
    this.#path = options.path;
    this.#format = options.format ?? (extname(options.path).toLowerCase() === '.json' ? 'json' : 'dotenv');
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.#load()).get(name);
  }

  async list(): Promise<string[]> {
    return [...(await this.#load()).keys()];
  }

  /** Forgets the cached contents; the next read loads the file again. */
  reload(): void {
    this.#values = undefined;
  }

  #load(): Promise<ReadonlyMap<string, string>> {
    this.#values ??= this.#read().catch((error: unknown) => {
      this.#values = undefined;
      throw error;
    });
    return this.#values;
  }

  async #read(): Promise<ReadonlyMap<string, string>> {
    let text: string;
    try {
      const handle = await open(this.#path, 'r');
      try {
        const buffer = Buffer.alloc(MAX_SECRETS_FILE_BYTES + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        if (bytesRead > MAX_SECRETS_FILE_BYTES) {
          throw new OpenWorkflowError(
            'VALIDATION',
            `Secrets file '${this.#path}' exceeds ${MAX_SECRETS_FILE_BYTES} bytes`,
            {
              details: { file: this.#path, limit: MAX_SECRETS_FILE_BYTES },
            },
          );
        }
        text = buffer.toString('utf8', 0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (OpenWorkflowError.is(error)) throw error;
      throw new OpenWorkflowError('UNAVAILABLE', `Secrets file '${this.#path}' cannot be read`, {
        details: { file: this.#path, error_code: (error as { code?: unknown }).code ?? null },
        cause: error,
      });
    }
    return this.#format === 'json'
      ? this.#parseJson(text)
      : new Map(
          Object.entries(parseEnv(text)).filter((entry): entry is [string, string] => entry[1] !== undefined),
        );
  }

  #parseJson(text: string): Map<string, string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message quotes the text around the error, which is secret material.
      throw new OpenWorkflowError('VALIDATION', `Secrets file '${this.#path}' is not valid JSON`, {
        details: { file: this.#path },
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new OpenWorkflowError('VALIDATION', `Secrets file '${this.#path}' must hold a JSON object`, {
        details: { file: this.#path },
      });
    }
    const values = new Map<string, string>();
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') {
        throw new OpenWorkflowError('VALIDATION', `Secret '${name}' in '${this.#path}' must be a string`, {
          details: {
            file: this.#path,
            secret_name: name,
            pointer: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
          },
        });
      }
      values.set(name, value);
    }
    return values;
  }
}
