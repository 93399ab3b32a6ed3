import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { OpenWorkflowError } from '@openworkflow/core';
import type { Redaction } from './observed-event.js';
import { importOptional } from './optional-import.js';
import { createRedactingExporter } from './redacting-exporter.js';

export interface OtlpTracingOptions {
  /** The collector, e.g. `http://jaeger:4318` (spans go to `<endpoint>/v1/traces`). */
  readonly endpoint: string;
  /** `service.name` of the resource. Default `openworkflow`. */
  readonly serviceName?: string;
  /** Extra request headers (collector authentication). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Spec §16.5 `sample_rate`: the fraction of runs traced, 0 to 1. Default 1. */
  readonly sampleRate?: number;
  readonly redaction?: Redaction;
  /** Export each span when it ends instead of in batches (tests, short CLI runs). Default false. */
  readonly immediate?: boolean;
}

/** A tracer provider exporting over OTLP/HTTP, and how to flush and stop it. */
export interface OtlpTracing {
  readonly tracerProvider: TracerProvider;
  readonly tracer: Tracer;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const FEATURE = 'OTLP tracing';

/**
 * Sets up OpenTelemetry tracing to an OTLP/HTTP collector (the seed's `OpenTelemetryExporter`).
 * The OpenTelemetry SDK packages are optional peer dependencies loaded here, on first use:
 * `@opentelemetry/sdk-trace-base`, `@opentelemetry/exporter-trace-otlp-http` and
 * `@opentelemetry/resources`; when one is missing this fails `UNAVAILABLE` with an install
 * suggestion. Every span passes through {@link createRedactingExporter} before it is sent.
 *
 * @example
 * const otlp = await createOtlpTracing({ endpoint: 'http://jaeger:4318', redaction: secrets.redactor });
 * const observability = createObservability({ tracing: { tracer: otlp.tracer } });
 */
export async function createOtlpTracing(options: OtlpTracingOptions): Promise<OtlpTracing> {
  const rate = options.sampleRate ?? 1;
  if (!(rate >= 0 && rate <= 1)) {
    throw new OpenWorkflowError('VALIDATION', 'sample_rate must be between 0 and 1', {
      details: { sample_rate: rate },
    });
  }
  const [sdk, otlp, resources] = await Promise.all([
    importOptional('@opentelemetry/sdk-trace-base', FEATURE, () => import('@opentelemetry/sdk-trace-base')),
    importOptional(
      '@opentelemetry/exporter-trace-otlp-http',
      FEATURE,
      () => import('@opentelemetry/exporter-trace-otlp-http'),
    ),
    importOptional('@opentelemetry/resources', FEATURE, () => import('@opentelemetry/resources')),
  ]);
  const base = options.endpoint.replace(/\/+$/, '');
  const url = base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
  const exporter = createRedactingExporter(
    new otlp.OTLPTraceExporter({ url, headers: { ...options.headers } }),
    options.redaction === undefined ? {} : { redaction: options.redaction },
  );
  const processor = options.immediate
    ? new sdk.SimpleSpanProcessor(exporter)
    : new sdk.BatchSpanProcessor(exporter);
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': options.serviceName ?? 'openworkflow' }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(rate) }),
    spanProcessors: [processor],
  });
  return {
    tracerProvider: provider,
    tracer: provider.getTracer('@openworkflow/observability'),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
