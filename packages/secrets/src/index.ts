/**
 * `@openworkflow/secrets`: pluggable secrets providers, spec §13.4 scoping, and the one masker
 * every sink of the runtime uses. Semantics in spec/secrets.md.
 */
export {
  AwsSecretsManagerProvider,
  type AwsSecretsManagerProviderOptions,
  type SecretsManagerClientLike,
} from './aws-provider.js';
export {
  CachedSecretsProvider,
  type CachedSecretsProviderOptions,
  type TimeSource,
} from './cached-provider.js';
export { ChainSecretsProvider } from './chain-provider.js';
export { secretVariants } from './encodings.js';
export type { RedactableEvent, SecretSourceContext } from './engine-hooks.js';
export { EnvSecretsProvider, type EnvSecretsProviderOptions } from './env-provider.js';
export { findSecretExposures, guardOutput, type OutputOwner, type SecretExposure } from './exposure.js';
export { FileSecretsProvider, type FileSecretsProviderOptions } from './file-provider.js';
export { findSecretLeaks, type LeakForm } from './leak-scan.js';
export {
  DEFAULT_CACHE_TTL_MS,
  MAX_MASKED_SECRETS,
  MAX_SECRET_LENGTH,
  MIN_SECRET_LENGTH,
} from './limits.js';
export { ChunkMasker, SecretMasker } from './masker.js';
export {
  listSecrets,
  readSecret,
  type SecretLookup,
  type SecretRequestContext,
  type SecretsProvider,
} from './provider.js';
export { DEFAULT_KEY_PATTERNS, DEFAULT_REDACTED_VALUE, Redactor, type RedactorOptions } from './redactor.js';
export type { FetchFunction } from './remote-read.js';
export {
  matchesResource,
  parseSecretDefinitions,
  type SecretDefinition,
  type SecretRequester,
  type SecretRotation,
  type SecretScope,
  scopeAllows,
} from './scope.js';
export { redactedToken, Secret } from './secret.js';
export {
  createSecretsRuntime,
  type SecretAccessRecord,
  type SecretRedactionOptions,
  type SecretResolveContext,
  type SecretsRuntime,
  type SecretsRuntimeOptions,
} from './secrets-runtime.js';
export { VaultSecretsProvider, type VaultSecretsProviderOptions } from './vault-provider.js';
