import { Gauge, Registry } from 'prom-client';
import {
  MAX_ERROR_CODE_LABELS,
  MAX_LABEL_LENGTH,
  MAX_TRACKED_RUNS,
  RUN_DURATION_BUCKETS,
  STEP_DURATION_BUCKETS,
} from './limits.js';
import { eventError, type ObservedEvent, type Redaction } from './observed-event.js';
import {
  type CounterSeries,
  type HistogramSeries,
  SeriesCounter,
  SeriesHistogram,
} from './series-metrics.js';

export interface WorkflowMetricsOptions {
  /** Register into this registry (to serve it with others). Default: a new, private registry. */
  readonly registry?: Registry;
  /** Metric name prefix. Default `openworkflow_`. */
  readonly prefix?: string;
  /** Masks label values taken from documents (workflow names). */
  readonly redaction?: Redaction;
  /** Read at every scrape: the host's count of runs waiting for a worker (spec §16.4 queue depth). */
  readonly queueDepth?: () => number;
}

/** Prometheus metrics of runs and steps, projected from the run event stream. */
export interface WorkflowMetrics {
  readonly registry: Registry;
  /** Feed one run event. */
  observe(event: ObservedEvent): void;
  /** Sets the queue-depth gauge (alternative to the `queueDepth` callback). */
  setQueueDepth(depth: number): void;
  /** The text exposition of the registry. */
  exposition(): Promise<string>;
}

interface RunState {
  readonly workflow: string;
  readonly startedAt: number | undefined;
  active: boolean;
  /** The step series of this run's workflow, by step kind. */
  readonly kinds: Map<string, StepSeries>;
}

/**
 * The series that step events of one workflow and step kind update, found once per combination
 * rather than by building and hashing a label key on every event.
 */
interface StepSeries {
  /** The metrics' reset generation it was found in: stale after a registry reset. */
  readonly generation: number;
  /** Made on first use, like every series: a kind that never starts shows no started series. */
  started: CounterSeries | undefined;
  /** By status. */
  readonly finished: Map<string, FinishedSeries>;
}

interface FinishedSeries {
  readonly count: CounterSeries;
  /** Made on the first duration (skipped steps have none). */
  duration: HistogramSeries | undefined;
}

const UNKNOWN_WORKFLOW = '(unknown)';
const RUN_STATUS: Readonly<Record<string, string>> = {
  'run.completed': 'success',
  'run.failed': 'failed',
  'run.canceled': 'canceled',
};
const STEP_STATUS: Readonly<Record<string, string>> = {
  'step.completed': 'success',
  'step.failed': 'failed',
  'step.skipped': 'skipped',
  'step.canceled': 'canceled',
};

/**
 * The metrics of spec/observability.md with `prom-client`, computed from events only, so the
 * engine carries no metrics code: runs started and finished by status, run and step duration
 * histograms, steps started and finished by status, retries, errors by code, active runs and
 * queue depth. Label values are bounded (workflow names truncated and masked, unknown error
 * codes folded into `OTHER`).
 *
 * @example
 * const metrics = createWorkflowMetrics();
 * metrics.observe(event);
 * console.log(await metrics.exposition());
 */
export function createWorkflowMetrics(options: WorkflowMetricsOptions = {}): WorkflowMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'openworkflow_';
  const registers = [registry];
  const runsStarted = new SeriesCounter(
    `${prefix}runs_started_total`,
    'Runs started (run.started events)',
    registry,
  );
  const runsFinished = new SeriesCounter(
    `${prefix}runs_finished_total`,
    'Runs that reached a terminal state, by status (success, failed, canceled)',
    registry,
  );
  const runDuration = new SeriesHistogram(
    `${prefix}run_duration_seconds`,
    'Time from run.started to the terminal event, for runs started in this process',
    RUN_DURATION_BUCKETS,
    registry,
  );
  const runsActive = new Gauge({
    name: `${prefix}runs_active`,
    help: 'Runs executing in this process (started or resumed, not yet suspended or finished)',
    labelNames: ['workflow'],
    registers,
  });
  const stepsStarted = new SeriesCounter(
    `${prefix}steps_started_total`,
    'Step instances started (first attempts; retries are counted by step_retries_total)',
    registry,
  );
  const stepsFinished = new SeriesCounter(
    `${prefix}steps_finished_total`,
    'Step instances finished, by status (success, failed, skipped, canceled)',
    registry,
  );
  const stepDuration = new SeriesHistogram(
    `${prefix}step_duration_seconds`,
    'Duration of finished step instances, all attempts and backoff included',
    STEP_DURATION_BUCKETS,
    registry,
  );
  const stepRetries = new SeriesCounter(
    `${prefix}step_retries_total`,
    'Step attempts that failed and were scheduled for another attempt, by error code',
    registry,
  );
  const errors = new SeriesCounter(
    `${prefix}errors_total`,
    'Failed step attempts (scope="step") and failed runs (scope="run"), by error code',
    registry,
  );
  const queueDepth = new Gauge({
    name: `${prefix}queue_depth`,
    help: 'Runs waiting for a worker, as reported by the host',
    registers,
    ...(options.queueDepth === undefined
      ? {}
      : {
          collect(this: Gauge) {
            this.set(options.queueDepth!());
          },
        }),
  });

  const runs = new Map<string, RunState>();
  /** workflow label → step kind → its series (as many entries as the step series themselves). */
  const stepSeries = new Map<string, Map<string, StepSeries>>();
  const kindsOf = (workflow: string): Map<string, StepSeries> => {
    let kinds = stepSeries.get(workflow);
    if (kinds === undefined) {
      kinds = new Map();
      stepSeries.set(workflow, kinds);
    }
    return kinds;
  };
  const generation = () => stepsStarted.generation + stepsFinished.generation + stepDuration.generation;
  const seriesOf = (run: RunState, kind: string): StepSeries => {
    let series = run.kinds.get(kind);
    if (series === undefined || series.generation !== generation()) {
      series = { generation: generation(), started: undefined, finished: new Map() };
      run.kinds.set(kind, series);
    }
    return series;
  };
  const labelKey = (run: RunState, kind: string, status: string) =>
    `${run.workflow}\u0000${kind}\u0000${status}`;
  const finishedOf = (run: RunState, series: StepSeries, kind: string, status: string) => {
    let finished = series.finished.get(status);
    if (finished === undefined) {
      const labels = { workflow: run.workflow, kind, status };
      finished = { count: stepsFinished.seriesOf(labelKey(run, kind, status), labels), duration: undefined };
      series.finished.set(status, finished);
    }
    return finished;
  };
  const codes = new Set<string>();
  const workflowLabel = (name: unknown): string => {
    if (typeof name !== 'string' || name === '') return UNKNOWN_WORKFLOW;
    const masked = options.redaction === undefined ? name : options.redaction.text(name);
    return masked.slice(0, MAX_LABEL_LENGTH);
  };
  const codeLabel = (code: string): string => {
    if (codes.has(code)) return code;
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(code) || codes.size >= MAX_ERROR_CODE_LABELS) return 'OTHER';
    codes.add(code);
    return code;
  };
  const track = (runId: string, state: RunState): RunState => {
    if (runs.size >= MAX_TRACKED_RUNS && !runs.has(runId)) {
      const [oldest, forgotten] = runs.entries().next().value!;
      if (forgotten.active) runsActive.dec({ workflow: forgotten.workflow });
      runs.delete(oldest);
    }
    runs.set(runId, state);
    return state;
  };
  const activate = (run: RunState, active: boolean) => {
    if (run.active === active) return;
    run.active = active;
    if (active) runsActive.inc({ workflow: run.workflow });
    else runsActive.dec({ workflow: run.workflow });
  };
  const countError = (code: string, scope: 'step' | 'run') =>
    errors.inc(`${code}\u0000${scope}`, () => ({ code, scope }));
  const runOf = (event: ObservedEvent): RunState =>
    runs.get(event.runId) ??
    track(event.runId, {
      workflow: UNKNOWN_WORKFLOW,
      startedAt: undefined,
      active: false,
      kinds: kindsOf(UNKNOWN_WORKFLOW),
    });

  return {
    registry,
    observe(event) {
      switch (event.type) {
        case 'run.started': {
          const workflow = workflowLabel((event.data.workflow as { name?: unknown } | undefined)?.name);
          const run = track(event.runId, {
            workflow,
            startedAt: event.time,
            active: false,
            kinds: kindsOf(workflow),
          });
          runsStarted.inc(workflow, () => ({ workflow }));
          activate(run, true);
          return;
        }
        case 'run.resumed':
          activate(runOf(event), true);
          return;
        case 'run.suspended':
          activate(runOf(event), false);
          return;
        case 'run.completed':
        case 'run.failed':
        case 'run.canceled': {
          const run = runOf(event);
          const status = RUN_STATUS[event.type]!;
          const key = `${run.workflow}\u0000${status}`;
          const labels = () => ({ workflow: run.workflow, status });
          runsFinished.inc(key, labels);
          if (run.startedAt !== undefined) {
            runDuration.observe(key, labels, Math.max(0, event.time - run.startedAt) / 1000);
          }
          const error = eventError(event);
          if (event.type === 'run.failed' && error !== undefined) countError(codeLabel(error.code), 'run');
          activate(run, false);
          runs.delete(event.runId);
          return;
        }
        case 'step.started': {
          if (event.attempt !== undefined && event.attempt > 1) return;
          if (event.data.resumed === true) return;
          const run = runOf(event);
          const kind = kindOf(event);
          const series = seriesOf(run, kind);
          series.started ??= stepsStarted.seriesOf(`${run.workflow}\u0000${kind}`, {
            workflow: run.workflow,
            kind,
          });
          series.started.value++;
          return;
        }
        case 'step.retrying': {
          const code = codeLabel(eventError(event)?.code ?? 'UNKNOWN');
          const workflow = runOf(event).workflow;
          const kind = kindOf(event);
          stepRetries.inc(`${workflow}\u0000${kind}\u0000${code}`, () => ({ workflow, kind, code }));
          countError(code, 'step');
          return;
        }
        case 'step.completed':
        case 'step.failed':
        case 'step.skipped':
        case 'step.canceled': {
          const run = runOf(event);
          const kind = kindOf(event);
          const status = STEP_STATUS[event.type]!;
          const finished = finishedOf(run, seriesOf(run, kind), kind, status);
          finished.count.value++;
          const duration = event.data.durationMs;
          if (event.type !== 'step.skipped' && typeof duration === 'number') {
            finished.duration ??= stepDuration.seriesOf(labelKey(run, kind, status), {
              workflow: run.workflow,
              kind,
              status,
            });
            stepDuration.record(finished.duration, duration / 1000);
          }
          const error = eventError(event);
          if (event.type === 'step.failed' && error !== undefined) countError(codeLabel(error.code), 'step');
          return;
        }
        default:
          return;
      }
    },
    setQueueDepth(depth) {
      queueDepth.set(depth);
    },
    exposition: () => registry.metrics(),
  };
}

function kindOf(event: ObservedEvent): string {
  return typeof event.data.kind === 'string' ? event.data.kind.slice(0, MAX_LABEL_LENGTH) : 'unknown';
}
