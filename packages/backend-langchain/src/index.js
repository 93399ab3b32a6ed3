export {
  fromLangChainMessages,
  langChainModelProvider,
  providerChatModel,
  toLangChainMessages,
} from './chat-model-adapters.js';
export { createLangChainBackend } from './langchain-backend.js';
export {
  actionAsTool,
  workflowAsRunnable,
  workflowAsTool,
  workflowInputSchema,
} from './runnable-adapters.js';
