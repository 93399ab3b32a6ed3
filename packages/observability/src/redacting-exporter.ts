import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Redaction } from './observed-event.js';
import { isExportableAttribute } from './span-attributes.js';

export interface RedactingExporterOptions {
  readonly redaction?: Redaction;
  /** Attribute names to export besides `SPAN_ATTRIBUTES` (still refused when named like a credential). */
  readonly allowAttributes?: readonly string[];
}

/**
 * Wraps a span exporter so that no span leaves the process carrying a secret, whoever created it:
 * span names, status messages, event names and string attribute values are masked, and attributes
 * outside the allow-list (SEC-15) — including `exception.stacktrace` and any header-like
 * `authorization` — are dropped (and counted in `droppedAttributesCount`). The OTLP setup always
 * uses it; put it around any other exporter you configure.
 *
 * @example
 * provider.addSpanProcessor(new BatchSpanProcessor(createRedactingExporter(new OTLPTraceExporter(), { redaction })));
 */
export function createRedactingExporter(
  inner: SpanExporter,
  options: RedactingExporterOptions = {},
): SpanExporter {
  const extra = new Set(options.allowAttributes ?? []);
  const mask = (text: string) => (options.redaction === undefined ? text : options.redaction.text(text));
  const filter = (attributes: Attributes | undefined): { kept: Attributes; dropped: number } => {
    const kept: Record<string, AttributeValue> = {};
    let dropped = 0;
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value === undefined || !isExportableAttribute(name, extra)) {
        dropped++;
        continue;
      }
      kept[name] = maskValue(value, mask);
    }
    return { kept, dropped };
  };

  const sanitize = (span: ReadableSpan): ReadableSpan => {
    const attributes = filter(span.attributes);
    const copy: { -readonly [K in keyof ReadableSpan]: ReadableSpan[K] } = {
      name: mask(span.name),
      kind: span.kind,
      spanContext: () => span.spanContext(),
      startTime: span.startTime,
      endTime: span.endTime,
      status:
        span.status.message === undefined
          ? span.status
          : { ...span.status, message: mask(span.status.message) },
      attributes: attributes.kept,
      links: span.links.map((link) => ({ ...link, attributes: filter(link.attributes).kept })),
      events: span.events.map((event) => ({
        ...event,
        name: mask(event.name),
        attributes: filter(event.attributes).kept,
      })),
      duration: span.duration,
      ended: span.ended,
      resource: span.resource,
      instrumentationScope: span.instrumentationScope,
      droppedAttributesCount: span.droppedAttributesCount + attributes.dropped,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
    if (span.parentSpanContext !== undefined) copy.parentSpanContext = span.parentSpanContext;
    return copy;
  };

  const exporter: SpanExporter = {
    export: (spans, resultCallback) => inner.export(spans.map(sanitize), resultCallback),
    shutdown: () => inner.shutdown(),
  };
  if (inner.forceFlush !== undefined) exporter.forceFlush = () => inner.forceFlush!();
  return exporter;
}

function maskValue(value: AttributeValue, mask: (text: string) => string): AttributeValue {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? mask(item) : item)) as AttributeValue;
  return value;
}
