import {
  type Attributes,
  type Context,
  context as contextApi,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { MAX_ERROR_MESSAGE_LENGTH, MAX_TRACKED_RUNS } from './limits.js';
import { type EventError, eventError, type ObservedEvent, type Redaction } from './observed-event.js';

export interface EventTracerOptions {
  /** Default: `trace.getTracer('@openworkflow/observability')` (the global provider; no-op if none). */
  readonly tracer?: Tracer;
  /** Masks span names, attribute values, event and status messages. */
  readonly redaction?: Redaction;
}

/** What an HTTP handler needs to propagate the current step's trace (a backend-native hook). */
export interface TraceHeaderContext {
  readonly runId: string;
  /** `<runId>:<path>` — the engine's idempotency key names the step instance. */
  readonly idempotencyKey?: string;
}

/** Turns the run event stream into OpenTelemetry spans. */
export interface EventTracer {
  observe(event: ObservedEvent): void;
  /** W3C `traceparent` (and `tracestate`) of the step instance a handler runs in. */
  traceHeaders(context: TraceHeaderContext): Record<string, string>;
  /** Trace and span id of the span an event belongs to (for log correlation). */
  spanIds(event: ObservedEvent): { readonly traceId: string; readonly spanId: string } | undefined;
}

interface StepSpan {
  readonly span: Span;
  /**
   * Sequence numbers of this instance's `step.started` events (one per attempt that restarted it),
   * forgotten when it ends: no child starts later.
   */
  started: number | number[];
  readonly kind: string;
  /** The aggregate of a step-level `for_each` (its iterations are instances of their own). */
  readonly loop: boolean;
}

interface RunSpans {
  readonly span: Span;
  /** False when the sampler dropped the run: its steps get no spans (they would be dropped too). */
  readonly recording: boolean;
  readonly context: Context;
  readonly steps: Map<string, StepSpan>;
  /**
   * `step.started` (and run start/resume) event → span, keyed by the event's sequence number, to
   * find a child's parent through `causation_id` (`<runId>:<sequence>`). Numbers, not the id
   * strings: each id would be a new string to build and hash per step.
   */
  readonly byEvent: Map<number, Span>;
  /** Path and span of the step span ended last, so a log line of its terminal event can name it. */
  lastEndedPath: string | undefined;
  lastEndedSpan: Span | undefined;
  /**
   * The causation id read last and its sequence number: siblings share their parent's id (the
   * same string), so a chain of steps parses it once.
   */
  lastCause: string | null;
  lastCauseSequence: number;
}

/** `step.status` of a step span by its terminal event. */
const STEP_STATUS: Readonly<Record<string, string>> = {
  'step.completed': 'success',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.canceled': 'canceled',
};

const LOGIC_TYPES = new Set([
  'if',
  'switch',
  'forEach',
  'parallel',
  'wait',
  'try',
  'transform',
  'handoff',
  'approval',
]);

/**
 * Spans from events (spec §16.1): `workflow.run <name>` per run and `step <id>` per step instance,
 * children of the step that contains them (the `causation_id` of `step.started` names it), with
 * the attributes `step.type`, `step.category`, `step.id`, `step.path`, `step.attempt`,
 * `step.status`, `step.branch` (if/switch), `step.iterations` (forEach, `for_each`),
 * `step.join_strategy` (parallel) and `error.code`. Span times are the events' times, so a run on
 * a fake clock yields a deterministic trace. A failure sets the span status to ERROR and records an
 * exception event whose message is redacted and which carries no stack.
 *
 * Retried attempts stay in one span per instance (`retry` events on it, `step.attempts` at the
 * end). A suspended run's spans end at suspension; the resumed run continues in a new run span.
 *
 * @example
 * const tracer = createEventTracer({ tracer: provider.getTracer('openworkflow') });
 * tracer.observe(event);
 */
export function createEventTracer(options: EventTracerOptions = {}): EventTracer {
  const tracer = options.tracer ?? trace.getTracer('@openworkflow/observability');
  const mask = (text: string) => (options.redaction === undefined ? text : options.redaction.text(text));
  const runs = new Map<string, RunSpans>();
  // The run whose terminal event was observed last (its log line comes right after).
  let lastEndedRun: { readonly runId: string; readonly span: Span } | undefined;

  const openRun = (event: ObservedEvent, name: string, attributes: Attributes): RunSpans => {
    if (runs.size >= MAX_TRACKED_RUNS) {
      const [oldest, forgotten] = runs.entries().next().value!;
      endAll(forgotten, event.time, 'evicted');
      runs.delete(oldest);
    }
    const span = tracer.startSpan(mask(name), { startTime: event.time, attributes }, contextApi.active());
    const run: RunSpans = {
      span,
      recording: span.isRecording(),
      context: trace.setSpan(contextApi.active(), span),
      steps: new Map(),
      byEvent: new Map(),
      lastEndedPath: undefined,
      lastEndedSpan: undefined,
      lastCause: null,
      lastCauseSequence: -1,
    };
    runs.set(event.runId, run);
    return run;
  };

  const runOf = (event: ObservedEvent): RunSpans =>
    runs.get(event.runId) ?? openRun(event, 'workflow.run', { 'run.id': event.runId, 'run.resumed': true });

  // Contexts carrying each open composite span, made once per parent rather than once per child.
  const contexts = new WeakMap<Span, Context>();
  const parentContext = (run: RunSpans, event: ObservedEvent): Context => {
    const parent = run.byEvent.get(causeOf(run, event)) ?? enclosingSpan(run, event.path ?? '');
    if (parent === undefined || parent === run.span) return run.context;
    let context = contexts.get(parent);
    if (context === undefined) {
      context = trace.setSpan(run.context, parent);
      contexts.set(parent, context);
    }
    return context;
  };

  const startStep = (run: RunSpans, event: ObservedEvent, startTime: number): StepSpan => {
    const kind = typeof event.data.kind === 'string' ? event.data.kind : 'unknown';
    const path = event.path ?? event.stepId ?? '';
    const id = mask(event.stepId ?? path);
    const attributes: Attributes = {
      'run.id': event.runId,
      'step.id': id,
      'step.path': event.stepId === path ? id : mask(path),
      'step.type': kind,
      'step.category': categoryOf(kind),
      'step.attempt': event.attempt ?? 1,
    };
    const span = tracer.startSpan(`step ${id}`, { startTime, attributes }, parentContext(run, event));
    const step: StepSpan = { span, started: -1, kind, loop: event.data.loop === true };
    run.steps.set(path, step);
    return step;
  };

  const fail = (span: Span, error: EventError | undefined, time: number) => {
    if (error === undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      return;
    }
    const message = mask(error.message).slice(0, MAX_ERROR_MESSAGE_LENGTH);
    span.setAttribute('error.code', error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code}: ${message}` });
    // An exception event with type and message only: stacks stay in the process.
    span.addEvent('exception', { 'exception.type': error.code, 'exception.message': message }, time);
  };

  const endStep = (run: RunSpans, event: ObservedEvent) => {
    const path = event.path ?? event.stepId ?? '';
    const startedAt = typeof event.data.startedAt === 'number' ? event.data.startedAt : event.time;
    // A terminal event without an open span (skipped, or ending after a resume): a span of its own.
    const step = run.steps.get(path) ?? startStep(run, event, startedAt);
    const { span } = step;
    const attributes: Attributes = { 'step.status': STEP_STATUS[event.type] ?? event.type.slice(5) };
    if (typeof event.data.attempts === 'number') attributes['step.attempts'] = event.data.attempts;
    if (typeof event.data.durationMs === 'number') attributes['step.duration_ms'] = event.data.durationMs;
    if (event.data.continued === true) attributes['step.continued'] = true;
    if (typeof event.data.reason === 'string') attributes['step.skip_reason'] = event.data.reason;
    shapeAttributes(attributes, step.kind, step.loop, event.data.output, mask);
    span.setAttributes(attributes);
    if (event.type === 'step.failed' || event.type === 'step.canceled')
      fail(span, eventError(event), event.time);
    span.end(event.time);
    run.steps.delete(path);
    if (typeof step.started === 'number') run.byEvent.delete(step.started);
    else for (const sequence of step.started) run.byEvent.delete(sequence);
    run.lastEndedPath = path;
    run.lastEndedSpan = span;
  };

  const endRun = (event: ObservedEvent, status: string) => {
    const run = runOf(event);
    endAll(run, event.time, status);
    run.span.setAttribute('run.status', status);
    if (event.type === 'run.failed' || event.type === 'run.canceled')
      fail(run.span, eventError(event), event.time);
    run.span.end(event.time);
    runs.delete(event.runId);
    lastEndedRun = { runId: event.runId, span: run.span };
  };

  return {
    observe(event) {
      switch (event.type) {
        // Step events first: they are the most frequent.
        case 'step.started': {
          const run = runOf(event);
          if (!run.recording) return;
          const path = event.path ?? event.stepId ?? '';
          const open = run.steps.get(path);
          const step = open ?? startStep(run, event, event.time);
          if (open !== undefined) step.span.setAttribute('step.attempt', event.attempt ?? 1);
          if (step.started === -1) step.started = event.sequence;
          else if (typeof step.started === 'number') step.started = [step.started, event.sequence];
          else step.started.push(event.sequence);
          run.byEvent.set(event.sequence, step.span);
          return;
        }
        case 'step.completed':
        case 'step.failed':
        case 'step.skipped':
        case 'step.canceled': {
          const run = runOf(event);
          if (run.recording) endStep(run, event);
          return;
        }
        case 'run.started': {
          const workflow = (event.data.workflow ?? {}) as { name?: unknown; version?: unknown };
          const name = typeof workflow.name === 'string' ? workflow.name : 'workflow';
          const attributes: Attributes = { 'workflow.name': mask(name), 'run.id': event.runId };
          if (typeof workflow.version === 'string') attributes['workflow.version'] = mask(workflow.version);
          const run = openRun(event, `workflow.run ${name}`, attributes);
          run.byEvent.set(event.sequence, run.span);
          return;
        }
        case 'run.resumed': {
          const run = runOf(event);
          run.byEvent.set(event.sequence, run.span);
          run.span.addEvent('run.resumed', {}, event.time);
          return;
        }
        case 'run.suspended':
          endRun(event, 'suspended');
          return;
        case 'run.completed':
          endRun(event, 'success');
          return;
        case 'run.failed':
          endRun(event, 'failed');
          return;
        case 'run.canceled':
          endRun(event, 'canceled');
          return;
        case 'step.retrying': {
          const span = runOf(event).steps.get(event.path ?? event.stepId ?? '')?.span;
          const error = eventError(event);
          span?.addEvent(
            'retry',
            {
              'error.code': error?.code ?? 'UNKNOWN',
              'exception.message': mask(error?.message ?? '').slice(0, MAX_ERROR_MESSAGE_LENGTH),
              'retry.delay_ms': typeof event.data.delayMs === 'number' ? event.data.delayMs : 0,
              'retry.next_attempt': typeof event.data.nextAttempt === 'number' ? event.data.nextAttempt : 0,
            },
            event.time,
          );
          return;
        }
        case 'step.waiting':
          runOf(event)
            .steps.get(event.path ?? event.stepId ?? '')
            ?.span.addEvent('step.waiting', {}, event.time);
          return;
        case 'signal.received':
          runOf(event).span.addEvent(
            'signal.received',
            { 'signal.name': mask(String(event.data.name ?? '')) },
            event.time,
          );
          return;
        case 'interrupt.requested':
        case 'interrupt.resolved': {
          const attributes: Attributes =
            typeof event.data.approved === 'boolean' ? { 'interrupt.approved': event.data.approved } : {};
          runOf(event).span.addEvent(event.type, attributes, event.time);
          return;
        }
        default:
          return;
      }
    },

    traceHeaders({ runId, idempotencyKey }) {
      const run = runs.get(runId);
      if (run === undefined) return {};
      const path =
        idempotencyKey?.startsWith(`${runId}:`) === true ? idempotencyKey.slice(runId.length + 1) : undefined;
      const span = (path === undefined ? undefined : run.steps.get(path)?.span) ?? run.span;
      const { traceId, spanId, traceFlags, traceState } = span.spanContext();
      if (!trace.isSpanContextValid(span.spanContext())) return {};
      const headers: Record<string, string> = {
        traceparent: `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`,
      };
      const state = traceState?.serialize();
      if (state !== undefined && state !== '') headers.tracestate = state;
      return headers;
    },

    spanIds(event) {
      const run = runs.get(event.runId);
      let span: Span | undefined;
      if (run === undefined) {
        span = lastEndedRun?.runId === event.runId ? lastEndedRun.span : undefined;
      } else if (event.path !== undefined) {
        span =
          run.steps.get(event.path)?.span ??
          (run.lastEndedPath === event.path ? run.lastEndedSpan : undefined);
      }
      span ??= run?.span;
      // The span context itself carries `traceId` and `spanId`: nothing to copy.
      return span?.spanContext();
    },
  };
}

/** The sequence number of the event that caused `event` in its run (or -1), parsed once per cause. */
function causeOf(run: RunSpans, event: ObservedEvent): number {
  if (event.causation_id !== run.lastCause) {
    run.lastCause = event.causation_id;
    run.lastCauseSequence = causeSequence(event.runId, event.causation_id);
  }
  return run.lastCauseSequence;
}

/** Past this, another digit could leave the safe integers: not a sequence number of ours. */
const MAX_SEQUENCE = (Number.MAX_SAFE_INTEGER - 9) / 10;

/**
 * The sequence number of the event a `causation_id` names when it is an event of run `runId`
 * (`<runId>:<sequence>`, core's `eventId`), else -1.
 */
function causeSequence(runId: string, causation: string | null): number {
  if (
    causation === null ||
    causation.length <= runId.length + 1 ||
    causation.charCodeAt(runId.length) !== 58 /* : */ ||
    !causation.startsWith(runId)
  ) {
    return -1;
  }
  // Decimal digits parsed in place (no substring per step), as `eventId` writes them: no leading 0.
  if (causation.charCodeAt(runId.length + 1) === 48 && causation.length > runId.length + 2) return -1;
  let sequence = 0;
  for (let index = runId.length + 1; index < causation.length; index++) {
    const digit = causation.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9 || sequence > MAX_SEQUENCE) return -1;
    sequence = sequence * 10 + digit;
  }
  return sequence;
}

/** Ends every open span of a run (at its end or suspension). */
function endAll(run: RunSpans, time: number, status: string): void {
  for (const { span } of run.steps.values()) {
    span.setAttribute('step.status', status);
    span.end(time);
  }
  run.steps.clear();
  run.byEvent.clear();
}

/**
 * The open span of the instance that contains `path`, when causation did not name one:
 * `a[2]/b/c` → `a[2]/b`, then `a[2]`, then `a`.
 */
function enclosingSpan(run: RunSpans, path: string): Span | undefined {
  let current = path;
  for (;;) {
    const cut = Math.max(current.lastIndexOf('/'), current.lastIndexOf('['), current.lastIndexOf('#'));
    if (cut <= 0) return undefined;
    current = current.slice(0, cut);
    const open = run.steps.get(current);
    if (open !== undefined) return open.span;
  }
}

/** `action`, `agent`, `workflow` (subworkflow steps) or `logic` — spec §16.1's category. */
function categoryOf(kind: string): string {
  if (kind === 'action' || kind === 'agent' || kind === 'workflow') return kind;
  return LOGIC_TYPES.has(kind) ? 'logic' : kind;
}

/** `step.branch`, `step.iterations` and `step.join_strategy` from a logic step's output. */
function shapeAttributes(
  attributes: Attributes,
  kind: string,
  loop: boolean,
  output: unknown,
  mask: (text: string) => string,
): void {
  if (loop) {
    if (Array.isArray(output)) attributes['step.iterations'] = output.length;
    return;
  }
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return;
  const record = output as Record<string, unknown>;
  if (kind === 'if' && typeof record.branch === 'string') attributes['step.branch'] = record.branch;
  if (kind === 'switch' && typeof record.case === 'string') attributes['step.branch'] = mask(record.case);
  if (kind === 'forEach' && typeof record.totalCount === 'number')
    attributes['step.iterations'] = record.totalCount;
  if (kind === 'parallel' && typeof record.joinStrategy === 'string') {
    attributes['step.join_strategy'] = record.joinStrategy;
  }
}
