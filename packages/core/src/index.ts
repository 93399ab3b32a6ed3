export {
  type ActionRequest,
  type AgentEventType,
  type AgentRequest,
  type Backend,
  type BackendCapability,
  type BackendContext,
  BackendRegistry,
  type BackendRequest,
  type ConfirmationDecision,
  type ConfirmationRequest,
  canonicalBackendName,
  type ToolActionRequest,
  type WorkflowRequest,
} from './backend.js';
export { type Clock, FakeClock, systemClock } from './clock.js';
export { createEngine, Engine, type RunHandle } from './engine.js';
export type {
  ApprovalHooks,
  ApprovalRequest,
  EngineDefaults,
  EngineOptions,
  InterruptDecision,
  OutputPolicy,
  RedactHook,
  SecretRequester,
  SecretResolveContext,
  SecretSource,
  StartOptions,
} from './engine-options.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorEnvelope,
  isErrorCode,
  missingExecutorError,
  normalizeErrorCode,
  OpenWorkflowError,
  type OpenWorkflowErrorOptions,
  toOpenWorkflowError,
} from './errors.js';
export {
  type ErrorData,
  eventId,
  isRunEventType,
  RUN_EVENT_TYPES,
  type RunEvent,
  type RunEventType,
  type StepEndData,
  TERMINAL_RUN_EVENT_TYPES,
  TERMINAL_STEP_EVENT_TYPES,
} from './events.js';
export {
  type ActionInvocation,
  type ExecutionMode,
  type HandlerContext,
  type HandlerExecutor,
  isCanceled,
  type Logger,
  type SecretAccessor,
  type StepView,
  silentLogger,
} from './handler.js';
export { cryptoRandom, type IdGenerator, type RandomSource, sequentialIds, uuidGenerator } from './ids.js';
export { resolveInputs } from './inputs.js';
export { DEFAULT_LIMITS, type EngineLimits } from './limits.js';
export { InMemoryRunStore } from './memory-run-store.js';
export { type BlockPlan, planBlock } from './planner.js';
export {
  type AgentResolver,
  agentsFrom,
  type ConnectorResolver,
  connectorsFrom,
  findWorkflow,
  type WorkflowResolver,
  workflowsFrom,
} from './resolvers.js';
export { backoffDelay, isRetryable, NO_RETRY } from './retry-policy.js';
export type { RunResult } from './run-execution.js';
export {
  type ListRunsQuery,
  type NewRun,
  type RunLease,
  type RunStatus,
  type RunStore,
  type RunSummary,
  StoreConflictError,
  type StoredRun,
  statusAfter,
} from './run-store.js';
export { checkActionInput } from './step-helpers.js';
export type { StepRecord, StepStatus } from './step-record.js';
export {
  jsonataLanguage,
  jsonPathLanguage,
  type TransformLanguagePlugin,
  type TransformRequest,
} from './transform-languages.js';
export type { ValidationIssue, ValidationReport } from './validate.js';
