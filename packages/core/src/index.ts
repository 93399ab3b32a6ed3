export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorEnvelope,
  isErrorCode,
  normalizeErrorCode,
  OpenWorkflowError,
  type OpenWorkflowErrorOptions,
  toOpenWorkflowError,
} from './errors.js';
export {
  type ActionInvocation,
  type ExecutionMode,
  type HandlerContext,
  type HandlerExecutor,
  type Logger,
  type SecretAccessor,
  type StepView,
  silentLogger,
} from './handler.js';
