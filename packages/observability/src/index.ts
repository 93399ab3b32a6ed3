/**
 * `@openworkflow/observability`: structured logs (pino), Prometheus metrics (prom-client) and
 * OpenTelemetry traces, all projected from the run event stream. Semantics and metric names in
 * spec/observability.md.
 */
export { createEventLog, type EventLogOptions, type TraceLookup } from './event-log.js';
export {
  createEventTracer,
  type EventTracer,
  type EventTracerOptions,
  type TraceHeaderContext,
} from './event-tracer.js';
export {
  MAX_ERROR_CODE_LABELS,
  MAX_LABEL_LENGTH,
  MAX_TRACKED_RUNS,
  RUN_DURATION_BUCKETS,
  STEP_DURATION_BUCKETS,
} from './limits.js';
export {
  createLogger,
  type LogDestination,
  type LogFormat,
  type LoggerOptions,
  type LogLevel,
} from './logger.js';
export {
  createMetricsHandler,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.js';
export { createObservability, type Observability, type ObservabilityOptions } from './observability.js';
export type { EventError, EventObserver, ObservedEvent, Redaction } from './observed-event.js';
export { importOptional } from './optional-import.js';
export { createOtlpTracing, type OtlpTracing, type OtlpTracingOptions } from './otlp-tracing.js';
export { createRedactingExporter, type RedactingExporterOptions } from './redacting-exporter.js';
export { headerAttributes, isExportableAttribute, SAFE_HEADERS, SPAN_ATTRIBUTES } from './span-attributes.js';
export {
  createWorkflowMetrics,
  type WorkflowMetrics,
  type WorkflowMetricsOptions,
} from './workflow-metrics.js';
