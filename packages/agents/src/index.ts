export { type AgentPolicy, readAgentPolicy, systemPromptOf } from './agent-policy.js';
export {
  type AgentExecuteOptions,
  type AgentHost,
  AgentRuntime,
  type AgentRuntimeOptions,
  type ModelPrice,
  settingsOf,
} from './agent-runtime.js';
export {
  DEFAULT_MAX_TURNS,
  MAX_REPAIR_ATTEMPTS,
  MAX_TOOL_NAME_LENGTH,
  MAX_TOOL_RESULT_CHARS,
  MAX_TURNS_CEILING,
} from './limits.js';
export type {
  ChatMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  TokenUsage,
  ToolCall,
  ToolSpec,
} from './model-provider.js';
export { toolResultText } from './model-provider.js';
export {
  createNativeAgentBackend,
  createRunnableAgent,
  type NativeAgentBackendOptions,
  type RunnableAgent,
} from './native-backend.js';
export {
  createScriptedProvider,
  type ScriptedProviderOptions,
  type ScriptedTurn,
} from './scripted-provider.js';
export { checkStructuredOutput, type OutputCheck } from './structured-output.js';
export { TokenBucket } from './token-bucket.js';
export { toolNameFor } from './tool-names.js';
export { type AgentTool, buildToolset, type Toolset } from './toolset.js';
