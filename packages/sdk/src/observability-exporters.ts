import type { Tracer } from '@opentelemetry/api';
import {
  createOtlpTracing,
  type MetricsServer,
  type OtlpTracing,
  type Redaction,
  startMetricsServer,
  type WorkflowMetrics,
} from '@openworkflow/observability';

/** What an exporter is given when the SDK starts it. */
export interface ExporterContext {
  /** The secrets runtime's redactor: everything exported passes through it. */
  readonly redaction: Redaction;
}

/** What an exporter contributes once started. */
export interface ExporterContribution {
  /** Turn metrics on; `attach` receives them once built. */
  readonly metrics?: boolean;
  /** Turn tracing on with this tracer. */
  readonly tracer?: Tracer;
}

/**
 * The seed's `observability_exporter`: something that needs metrics or spans and is started with
 * the SDK's runtime (on the first run or `ready()`) and stopped by `close()`.
 */
export interface ObservabilityExporter {
  start(context: ExporterContext): Promise<ExporterContribution>;
  /** Called with the built metrics (when this exporter asked for them). */
  attach?(metrics: WorkflowMetrics): Promise<void>;
  shutdown(): Promise<void>;
}

export interface PrometheusExporterOptions {
  /** Default 9090 (the seed's example); 0 picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default `/metrics`. */
  readonly path?: string;
}

/**
 * Serves the SDK's Prometheus metrics over HTTP (the seed's `PrometheusExporter(port=9090)`).
 *
 * @example
 * const exporter = new PrometheusExporter({ port: 9090 });
 * const openworkflow = new OpenWorkflow({ observabilityExporter: exporter });
 * await openworkflow.ready();
 * console.log(exporter.url); // http://127.0.0.1:9090/metrics
 */
export class PrometheusExporter implements ObservabilityExporter {
  readonly #options: PrometheusExporterOptions;
  #server: MetricsServer | undefined;

  constructor(options: PrometheusExporterOptions = {}) {
    this.#options = options;
  }

  /** The scrape URL once started. */
  get url(): string | undefined {
    return this.#server?.url;
  }

  async start(): Promise<ExporterContribution> {
    return { metrics: true };
  }

  async attach(metrics: WorkflowMetrics): Promise<void> {
    this.#server = await startMetricsServer({
      registry: metrics.registry,
      port: this.#options.port ?? 9090,
      ...(this.#options.host === undefined ? {} : { host: this.#options.host }),
      ...(this.#options.path === undefined ? {} : { path: this.#options.path }),
    });
  }

  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }
}

export interface OpenTelemetryExporterOptions {
  /** The OTLP/HTTP collector, e.g. `http://jaeger:4318`. */
  readonly endpoint: string;
  readonly serviceName?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Fraction of runs traced (the seed's `sample_rate`). Default 1. */
  readonly sampleRate?: number;
  /** Export each span as it ends (short-lived processes). Default false: batched. */
  readonly immediate?: boolean;
}

/**
 * Sends a span per run and per step to an OTLP/HTTP collector (the seed's
 * `OpenTelemetryExporter(endpoint=...)`). Needs the optional OpenTelemetry SDK packages; without
 * them the first run fails `UNAVAILABLE` with an install suggestion.
 */
export class OpenTelemetryExporter implements ObservabilityExporter {
  readonly #options: OpenTelemetryExporterOptions;
  #tracing: OtlpTracing | undefined;

  constructor(options: OpenTelemetryExporterOptions) {
    this.#options = options;
  }

  async start(context: ExporterContext): Promise<ExporterContribution> {
    this.#tracing = await createOtlpTracing({ ...this.#options, redaction: context.redaction });
    return { tracer: this.#tracing.tracer };
  }

  /** Sends buffered spans now. */
  async flush(): Promise<void> {
    await this.#tracing?.forceFlush();
  }

  async shutdown(): Promise<void> {
    const tracing = this.#tracing;
    this.#tracing = undefined;
    await tracing?.shutdown();
  }
}
