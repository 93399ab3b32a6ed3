import { type Logger, silentLogger } from '@openworkflow/core';
import { createEventLog } from './event-log.js';
import {
  createEventTracer,
  type EventTracer,
  type EventTracerOptions,
  type TraceHeaderContext,
} from './event-tracer.js';
import { createLogger, type LoggerOptions } from './logger.js';
import type { EventObserver, ObservedEvent, Redaction } from './observed-event.js';
import {
  createWorkflowMetrics,
  type WorkflowMetrics,
  type WorkflowMetricsOptions,
} from './workflow-metrics.js';

export interface ObservabilityOptions {
  /** Spec §12.4 `observability.enabled`. `false`: a silent logger, no metrics, no spans, no cost. */
  readonly enabled?: boolean;
  /**
   * Structured logs (default: JSON at `info` on standard output). `events: false` keeps the logger
   * for handlers but does not log the event stream. `false` turns logging off.
   */
  readonly logs?: false | (LoggerOptions & { readonly events?: boolean });
  /** Use this logger instead of creating one (its level is then unknown: every line is built). */
  readonly logger?: Logger;
  /** Prometheus metrics (default off). */
  readonly metrics?: false | WorkflowMetricsOptions;
  /** OpenTelemetry spans (default off). Pass `{ tracer }` from `createOtlpTracing` or your own SDK. */
  readonly tracing?: false | EventTracerOptions;
  /** Applied everywhere (the secrets runtime's `redactor`). */
  readonly redaction?: Redaction;
}

/** The observability side of a runtime, built by {@link createObservability}. */
export interface Observability {
  /** `EngineOptions.logger` (and the logger handlers get through their context). */
  readonly logger: Logger;
  readonly metrics: WorkflowMetrics | undefined;
  readonly tracer: EventTracer | undefined;
  /** Feeds one event to every enabled projection. Never throws. */
  readonly observe: EventObserver;
  /** True when at least one projection consumes events. */
  readonly observing: boolean;
  /**
   * `EngineOptions.redact` composed with observation: each event is redacted by `redact` (the
   * secrets runtime's hook), then observed, then returned to be stored. Observation therefore sees
   * exactly what is stored, at the moment it is emitted (before the handler of a started step
   * runs, which `traceparent` propagation needs). With nothing observing, returns `redact` itself.
   */
  hook<E extends ObservedEvent>(redact: (event: E) => E): (event: E) => E;
  /** Without a redact hook: the observing hook, or `undefined` when nothing observes. */
  hook<E extends ObservedEvent>(redact?: undefined): ((event: E) => E) | undefined;
  /** `createHttpHandler({ requestHeaders })` of backend-native: the step's `traceparent`. */
  readonly requestHeaders: (context: TraceHeaderContext) => Record<string, string>;
}

const noHeaders = () => ({});

/** `hook` of an observability: `redact` composed with `observe`, or `redact` itself when nothing observes. */
function observingHook(observe: EventObserver | undefined): Observability['hook'] {
  function hook<E extends ObservedEvent>(redact: (event: E) => E): (event: E) => E;
  function hook<E extends ObservedEvent>(redact?: undefined): ((event: E) => E) | undefined;
  function hook<E extends ObservedEvent>(redact?: (event: E) => E): ((event: E) => E) | undefined {
    if (observe === undefined) return redact;
    if (redact === undefined) {
      return (event) => {
        observe(event);
        return event;
      };
    }
    return (event) => {
      const redacted = redact(event);
      observe(redacted);
      return redacted;
    };
  }
  return hook;
}

/**
 * Builds logging, metrics and tracing as projections of the run event stream: the engine emits
 * events and calls the logger, nothing else; everything here is derived from those events.
 *
 * @example
 * const secrets = createSecretsRuntime(provider);
 * const observability = createObservability({
 *   logs: { format: 'json', level: 'info' },
 *   metrics: {},
 *   tracing: { tracer: otlp.tracer },
 *   redaction: secrets.redactor,
 * });
 * const engine = createEngine({
 *   secrets: secrets.source,
 *   redact: observability.hook(secrets.redact),
 *   logger: observability.logger,
 * });
 */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  if (options.enabled === false) {
    return {
      logger: silentLogger,
      metrics: undefined,
      tracer: undefined,
      observe: () => {},
      observing: false,
      hook: observingHook(undefined),
      requestHeaders: noHeaders,
    };
  }
  const redaction = options.redaction;
  const withRedaction = <T extends object>(settings: T): T =>
    redaction === undefined || 'redaction' in settings ? settings : { ...settings, redaction };

  const logs = options.logs === false ? undefined : withRedaction(options.logs ?? {});
  const logger = options.logger ?? (logs === undefined ? silentLogger : createLogger(logs));
  const tracer =
    options.tracing === undefined || options.tracing === false
      ? undefined
      : createEventTracer(withRedaction(options.tracing));
  const metrics =
    options.metrics === undefined || options.metrics === false
      ? undefined
      : createWorkflowMetrics(withRedaction(options.metrics));

  const observers: EventObserver[] = [];
  // Spans first, so log lines of the same event can carry its trace and span ids.
  if (tracer !== undefined) observers.push(tracer.observe);
  if (metrics !== undefined) observers.push(metrics.observe);
  if (logs !== undefined && logs.events !== false) {
    // Event-log fields come from redacted events and hold no payloads: the event log serialises
    // them itself through the logger's line writer, and only the finished line is masked.
    observers.push(
      createEventLog(logger, {
        ...(tracer === undefined ? {} : { trace: tracer.spanIds }),
        ...(options.logger === undefined ? { level: logs.level ?? 'info' } : {}),
      }),
    );
  }

  let reported = false;
  const observe: EventObserver = (event) => {
    for (const observer of observers) {
      try {
        observer(event);
      } catch (error) {
        // Telemetry must never fail a run; say so once.
        if (!reported) {
          reported = true;
          logger.error('observability projection failed', { error, event: event.type });
        }
      }
    }
  };

  return {
    logger,
    metrics,
    tracer,
    observe,
    observing: observers.length > 0,
    hook: observingHook(observers.length === 0 ? undefined : observe),
    requestHeaders: tracer === undefined ? noHeaders : tracer.traceHeaders,
  };
}
