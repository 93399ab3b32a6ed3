import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** `step <id> [<path>]` (or `<name> [run]`) → the name of its parent span, over finished spans. */
export function spanParents(spans: readonly ReadableSpan[]): Record<string, string | null> {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  return Object.fromEntries(
    spans.map((span) => [
      `${span.name} [${String(span.attributes['step.path'] ?? 'run')}]`,
      span.parentSpanContext === undefined
        ? null
        : (byId.get(span.parentSpanContext.spanId)?.name ?? 'missing'),
    ]),
  );
}

/** Everything an exporter sends of the spans, as one text to scan for canaries. */
export function spansText(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
    })),
  );
}

/**
 * The span tree of the `if` / `forEach` / `parallel` workflow that `logicWorkflowStream` replays
 * and the engine test runs for real: both must produce exactly this.
 */
export const LOGIC_WORKFLOW_TREE: Readonly<Record<string, string | null>> = {
  'workflow.run pipeline [run]': null,
  'step fetch [fetch]': 'workflow.run pipeline',
  'step check [check]': 'workflow.run pipeline',
  'step notify [check/notify]': 'step check',
  'step each [each]': 'workflow.run pipeline',
  'step send [each[0]/send]': 'step each',
  'step send [each[1]/send]': 'step each',
  'step fan [fan]': 'workflow.run pipeline',
  'step ping [fan/ping]': 'step fan',
  'step pong [fan/pong]': 'step fan',
};
