export type { MonotonicClock } from './attempt-scope.js';
export {
  type CommandHandlerOptions,
  createCommandHandler,
  DEFAULT_PASSED_ENVIRONMENT,
} from './command-handler.js';
export {
  type CheckedTarget,
  createEgressGuard,
  type EgressGuard,
  type EgressGuardOptions,
  type EgressPolicy,
  type EgressRule,
  type HostResolver,
  parseEgressUrl,
  type ResolvedAddress,
  systemResolver,
} from './egress-guard.js';
export {
  type ActionFunction,
  createFunctionHandler,
  type FunctionHandlerOptions,
  HandlerRegistry,
} from './function-handler.js';
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  pinnedLookup,
} from './http-client.js';
export { codeForStatus, createHttpHandler, type HttpHandlerOptions } from './http-handler.js';
export { type AddressCategory, classifyAddress } from './ip-ranges.js';
export {
  BODY_IDLE_TIMEOUT_MS,
  COMMAND_KILL_GRACE_MS,
  CONNECT_TIMEOUT_MS,
  HEADERS_TIMEOUT_MS,
  MAX_COMMAND_STDERR_BYTES,
  MAX_COMMAND_STDOUT_BYTES,
  MAX_CONTENT_CODINGS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_REDIRECTS,
  MAX_RESPONSE_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
} from './limits.js';
