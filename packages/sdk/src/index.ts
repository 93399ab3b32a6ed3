/**
 * `@openworkflow/sdk`: the seed SDK contract in TypeScript — register connectors and handlers,
 * load workflow files, run them locally with secrets, masking and observability wired in.
 * Semantics in spec/sdk.md.
 */
export { OpenWorkflowError } from '@openworkflow/core';
export { type ActionOptions, action } from './action.js';
export type { ActionContext, ActionHandler, ActionSecrets } from './action-context.js';
export type { AgentSource, ConnectorSource } from './documents.js';
export { defaultHandlers, type HandlerOptions } from './handler-registry.js';
export {
  type ConnectorFetchHandler,
  type ConnectorHandlerOptions,
  type ConnectorMiddleware,
  createConnectorHandler,
  createConnectorRouter,
  MAX_REQUEST_BODY_BYTES,
  toNodeListener,
} from './http-integration.js';
export { type ActionInterceptor, actionAddress } from './interceptor.js';
export type { InvokeOptions } from './invoke.js';
export {
  type ExporterContext,
  type ExporterContribution,
  type ObservabilityExporter,
  OpenTelemetryExporter,
  type OpenTelemetryExporterOptions,
  PrometheusExporter,
  type PrometheusExporterOptions,
} from './observability-exporters.js';
export {
  OpenWorkflow,
  type RegisterAgentOptions,
  type RegisterConnectorOptions,
  type RunOptions,
} from './open-workflow.js';
export type {
  CommandSettings,
  McpSettings,
  ObservabilitySettings,
  OpenWorkflowOptions,
  RetryConfig,
} from './options.js';
export {
  CONFIG_FILE_NAMES,
  defineConfig,
  type LoadProjectOptions,
  loadProject,
  mergeOptions,
  type Project,
  type ProjectConfig,
  type ProjectConfigExport,
} from './project.js';
export type { ErrorEnvelope, StepResult, WorkflowResult, WorkflowRun } from './result.js';
export {
  defineHandler,
  type HandlerInput,
  type HandlerOutput,
  type HandlerSchemas,
} from './typed-handler.js';
export { Workflow, type WorkflowOptions, type WorkflowRunOptions } from './workflow.js';
export { type WorkflowInfo, Workflows, type WorkflowsOptions } from './workflows.js';
