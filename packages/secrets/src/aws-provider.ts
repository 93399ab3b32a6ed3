import { OpenWorkflowError } from '@openworkflow/core';
import type { SecretsProvider } from './provider.js';

/** The few members of `@aws-sdk/client-secrets-manager` this provider uses. */
interface SecretsManagerModule {
  SecretsManagerClient: new (config: Record<string, unknown>) => SecretsManagerClientLike;
  GetSecretValueCommand: new (input: { SecretId: string; VersionStage?: string }) => unknown;
}

/** A Secrets Manager client: the SDK's `SecretsManagerClient`, or anything with the same `send`. */
export interface SecretsManagerClientLike {
  send(command: unknown): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>;
}

export interface AwsSecretsManagerProviderOptions {
  readonly region?: string;
  /** A custom endpoint (LocalStack, a VPC endpoint). */
  readonly endpoint?: string;
  /** Static credentials; default: the SDK's own credential chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Further `SecretsManagerClient` configuration. */
  readonly clientConfig?: Readonly<Record<string, unknown>>;
  /**
   * One secret whose `SecretString` is a JSON object of names to values. Without it, each name is
   * a `SecretId` of its own.
   */
  readonly secretId?: string;
  /** `VersionStage` to read. Default: the SDK's (`AWSCURRENT`). */
  readonly versionStage?: string;
  /** @internal The module to import (tests point it at a package that does not exist). */
  readonly moduleName?: string;
}

const SDK_MODULE = '@aws-sdk/client-secrets-manager';
const PROVIDER = 'AWS Secrets Manager';

/**
 * AWS Secrets Manager through the AWS SDK v3. The SDK is an optional peer dependency loaded on
 * first use, so installing `@openworkflow/secrets` pulls in nothing from AWS; when it is absent the
 * first read fails `UNAVAILABLE` with an install suggestion. `ResourceNotFoundException` is "not
 * found"; `AccessDeniedException` is `PERMISSION_DENIED`; other failures are `UNAVAILABLE`.
 *
 * @example
 * const secrets = new AwsSecretsManagerProvider({ region: 'us-east-1' });
 */
export class AwsSecretsManagerProvider implements SecretsProvider {
  readonly #options: AwsSecretsManagerProviderOptions;
  #sdk: Promise<{ module: SecretsManagerModule; client: SecretsManagerClientLike }> | undefined;
  #document: Promise<Readonly<Record<string, unknown>> | undefined> | undefined;

  constructor(options: AwsSecretsManagerProviderOptions = {}) {
    this.#options = options;
  }

  async get(name: string): Promise<string | undefined> {
    if (this.#options.secretId === undefined) return this.#fetch(name);
    this.#document ??= this.#fetchDocument(this.#options.secretId).catch((error: unknown) => {
      this.#document = undefined;
      throw error;
    });
    const document = await this.#document;
    if (document === undefined || !Object.hasOwn(document, name)) return undefined;
    const value = document[name];
    if (typeof value !== 'string') {
      throw new OpenWorkflowError(
        'VALIDATION',
        `Field '${name}' of AWS secret '${this.#options.secretId}' is not a string`,
        {
          details: { provider: PROVIDER, secret_id: this.#options.secretId, field: name },
        },
      );
    }
    return value;
  }

  async #fetchDocument(secretId: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const text = await this.#fetch(secretId);
    if (text === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // Reported below without the parser's message, which quotes the secret text.
    }
    throw new OpenWorkflowError('VALIDATION', `AWS secret '${secretId}' does not hold a JSON object`, {
      details: { provider: PROVIDER, secret_id: secretId },
    });
  }

  async #fetch(secretId: string): Promise<string | undefined> {
    const { module, client } = await this.#client();
    const input: { SecretId: string; VersionStage?: string } = { SecretId: secretId };
    if (this.#options.versionStage !== undefined) input.VersionStage = this.#options.versionStage;
    let reply: { SecretString?: string; SecretBinary?: Uint8Array };
    try {
      reply = await client.send(new module.GetSecretValueCommand(input));
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (name === 'ResourceNotFoundException') return undefined;
      const code = name === 'AccessDeniedException' ? 'PERMISSION_DENIED' : 'UNAVAILABLE';
      throw new OpenWorkflowError(code, `${PROVIDER} refused to read '${secretId}'`, {
        details: {
          provider: PROVIDER,
          secret_id: secretId,
          error_type: typeof name === 'string' ? name : 'Error',
        },
        cause: error,
      });
    }
    if (typeof reply.SecretString === 'string') return reply.SecretString;
    if (reply.SecretBinary instanceof Uint8Array) return Buffer.from(reply.SecretBinary).toString('utf8');
    return undefined;
  }

  #client(): Promise<{ module: SecretsManagerModule; client: SecretsManagerClientLike }> {
    if (this.#sdk === undefined) {
      const loading = loadSdk(this.#options.moduleName ?? SDK_MODULE).then((module) => {
        const config: Record<string, unknown> = { ...this.#options.clientConfig };
        if (this.#options.region !== undefined) config.region = this.#options.region;
        if (this.#options.endpoint !== undefined) config.endpoint = this.#options.endpoint;
        if (this.#options.credentials !== undefined) config.credentials = this.#options.credentials;
        return { module, client: new module.SecretsManagerClient(config) };
      });
      // A failed load is retried on the next read (the package may have been installed since).
      loading.catch(() => {
        if (this.#sdk === loading) this.#sdk = undefined;
      });
      this.#sdk = loading;
    }
    return this.#sdk;
  }
}

async function loadSdk(specifier: string): Promise<SecretsManagerModule> {
  try {
    return (await import(specifier)) as SecretsManagerModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Only the package itself missing; a broken file inside an installed SDK is reported as is.
    const missing = error instanceof Error && error.message.includes(`'${specifier}'`);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing) {
      throw new OpenWorkflowError(
        'UNAVAILABLE',
        `The AWS Secrets Manager provider needs '${SDK_MODULE}', which is not installed`,
        {
          details: {
            provider: PROVIDER,
            module: SDK_MODULE,
            suggestion: `Install: npm install ${SDK_MODULE}`,
          },
          cause: error,
        },
      );
    }
    throw error;
  }
}
