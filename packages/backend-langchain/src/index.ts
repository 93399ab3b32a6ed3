export {
  fromLangChainMessages,
  langChainModelProvider,
  type ProviderCallBase,
  providerChatModel,
  toLangChainMessages,
} from './chat-model-adapters.js';
export {
  type ChatModelResolver,
  createLangChainBackend,
  type LangChainBackendOptions,
} from './langchain-backend.js';
export {
  actionAsTool,
  workflowAsRunnable,
  workflowAsTool,
  workflowInputSchema,
} from './runnable-adapters.js';
