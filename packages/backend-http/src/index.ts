export { createHttpBackend, type HttpBackendAuth, type HttpBackendOptions } from './http-backend.js';
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_INITIAL_MS,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
} from './limits.js';
