/**
 * Overhead of observability on the engine: core's chain benchmark shape (N no-op action steps,
 * sequential) run with the engine's defaults, with observability wired but disabled, with each of
 * logging, metrics, tracing and secret redaction alone, and with everything on. Prints CPU µs per
 * step (`process.cpuUsage`, as the core benchmark measures) and each configuration's ratio to the
 * engine alone, then the floors of the components the projections are built on: one bare pino
 * JSON line, one bare OpenTelemetry SDK span and one mask of a log line, in the same process.
 *
 * Methodology: the engine's hot path only reaches its steady state after a long JIT warm-up, so
 * every configuration first runs interleaved with the others until it has executed
 * `BENCH_WARMUP_STEPS` steps (default 300 000) and its last two warm-up rounds agree within 5 %;
 * then `BENCH_ROUNDS` (default 15) interleaved rounds of `BENCH_RUNS_PER_ROUND` (default 10) runs
 * per configuration are measured; each configuration's ratio is
 * the median of its per-round ratios to the engine alone in the same round (load that drifts
 * between rounds cancels out), with the interquartile spread.
 * Run with `pnpm --filter @openworkflow/observability bench` (BENCH_ROUNDS, BENCH_STEPS,
 * BENCH_WARMUP_STEPS change the size; BENCH_ONLY=<substring,…> keeps the matching configurations,
 * for profiling with `node --cpu-prof`).
 */
import { cpus } from 'node:os';
import { context as contextApi, type Tracer, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import {
  connectorsFrom,
  createEngine,
  type EngineOptions,
  type HandlerExecutor,
  InMemoryRunStore,
  type RunEvent,
} from '@openworkflow/core';
import { createObservability, type ObservabilityOptions } from '@openworkflow/observability';
import { loadConnector, loadWorkflows, type Workflow } from '@openworkflow/schemas';
import { createSecretsRuntime, EnvSecretsProvider } from '@openworkflow/secrets';
import { pino } from 'pino';

const STEPS = Number(process.env.BENCH_STEPS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
/** Runs of the chain per configuration and round: one run (a few ms) is at the mercy of one pause. */
const RUNS_PER_ROUND = Number(process.env.BENCH_RUNS_PER_ROUND ?? 10);
const WARMUP_STEPS = Number(process.env.BENCH_WARMUP_STEPS ?? 300_000);
const ONLY = process.env.BENCH_ONLY?.split(',').filter((part) => part !== '');
/** Warm-up gives up waiting for two agreeing rounds after this many extra rounds. */
const MAX_EXTRA_WARMUP_ROUNDS = 200;

const connector = loadConnector({
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'noop',
    namespace: 'bench',
    version: '1.0.0',
    displayName: 'No-op',
    description: 'Does nothing',
  },
  actions: [{ name: 'noop', description: 'noop', handler: { function: 'noop' } }],
}).value!;
const chain: Workflow = loadWorkflows({
  workflows: [
    {
      name: `chain-${STEPS}`,
      steps: Array.from({ length: STEPS }, (_unused, index) => ({
        id: `s${index}`,
        connector: 'connector:bench/noop@1.0.0',
        action: 'noop',
        input: {},
      })),
    },
  ],
}).value![0]!;
const noop: HandlerExecutor = { type: 'function', execute: async () => null };
const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const sink = { write: (_line: string) => {} };
const SECRET = 'sk-bench-0123456789';

type Setup = () => EngineOptions;

function secretsRuntime() {
  const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: { API_KEY: SECRET } }));
  secrets.register('API_KEY', SECRET);
  return secrets;
}

function observed(options: ObservabilityOptions, withSecrets = true): Setup {
  return () => {
    const secrets = secretsRuntime();
    const observability = createObservability({ ...options, redaction: secrets.redactor });
    const redact = withSecrets
      ? observability.hook<RunEvent>(secrets.redact)
      : observability.hook<RunEvent>();
    return { logger: observability.logger, ...(redact === undefined ? {} : { redact }) };
  };
}

/** A production-shaped provider: batch export (to nowhere), optionally sampling `ratio` of runs. */
const provider = (ratio = 1) =>
  new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(discard)],
  });
const tracer = (ratio = 1) => provider(ratio).getTracer('bench');
const logs = { destination: sink, level: 'info' as const };

const allSetups: Record<string, Setup> = {
  'engine alone': () => ({}),
  'observability disabled': () => {
    const observability = createObservability({ enabled: false });
    const redact = observability.hook<RunEvent>(undefined);
    return { logger: observability.logger, ...(redact === undefined ? {} : { redact }) };
  },
  // The engine's own share of observation: events pass through a hook that does nothing.
  'engine + pass-through event hook': () => ({ redact: (event: RunEvent) => event }),
  'secret redaction only': observed({ logs: false }),
  'logs (info) only': observed({ logs }, false),
  'metrics only': observed({ logs: false, metrics: {} }, false),
  'tracing only': observed({ logs: false, tracing: { tracer: tracer() } }, false),
  'all on (logs+metrics+tracing+redaction)': observed({ logs, metrics: {}, tracing: { tracer: tracer() } }),
  'all on, traces sampled at 10 %': observed({ logs, metrics: {}, tracing: { tracer: tracer(0.1) } }),
  'lean: logs at warn, metrics, 10 % traces': observed({
    logs: { ...logs, level: 'warn' },
    metrics: {},
    tracing: { tracer: tracer(0.1) },
  }),
};
const setups = Object.fromEntries(
  Object.entries(allSetups).filter(
    ([name]) => name === 'engine alone' || ONLY === undefined || ONLY.some((part) => name.includes(part)),
  ),
);

/** Each configuration is built once, like an application builds it once per process. */
const built = new Map<Setup, EngineOptions>();

async function runOnce(setup: Setup): Promise<number> {
  let options = built.get(setup);
  if (options === undefined) {
    options = setup();
    built.set(setup, options);
  }
  const engine = createEngine({
    store: new InMemoryRunStore(),
    handlers: [noop],
    connectors: connectorsFrom([connector]),
    ...options,
  });
  const start = process.cpuUsage();
  const result = await engine.start(chain, {}).result;
  const used = process.cpuUsage(start);
  if (result.status !== 'success') throw new Error(`run ${result.status}`);
  return (used.user + used.system) / 1000;
}

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const median = (values: readonly number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const quantile = (values: readonly number[], q: number) =>
  sorted(values)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

/** Interleaved warm-up: every configuration runs WARMUP_STEPS steps and until two rounds agree. */
async function warmUp(): Promise<void> {
  const last = new Map<string, number>();
  const settled = new Set<string>();
  const minimumRounds = Math.max(2, Math.ceil(WARMUP_STEPS / STEPS));
  for (let round = 0; settled.size < Object.keys(setups).length; round++) {
    for (const [name, setup] of Object.entries(setups)) {
      if (settled.has(name)) continue;
      const ms = await runOnce(setup);
      const previous = last.get(name);
      last.set(name, ms);
      const agrees = previous !== undefined && Math.abs(ms - previous) <= 0.05 * Math.min(ms, previous);
      if (round >= minimumRounds && (agrees || round >= minimumRounds + MAX_EXTRA_WARMUP_ROUNDS)) {
        settled.add(name);
      }
    }
  }
}

/** Calls between two turns of the event loop, as in a run (the engine awaits every step). */
const CALLS_PER_TURN = 64;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** CPU µs of `calls` calls of `body`, yielding to the event loop every CALLS_PER_TURN calls. */
async function timeCalls(body: () => void, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let index = 0; index < calls; index++) {
    body();
    // The batch span processor exports on a later turn: without turns, its queue fills up and
    // the SDK drops (cheaply) every span past 2 048, which is not what a run costs.
    if (index % CALLS_PER_TURN === CALLS_PER_TURN - 1) await nextTurn();
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * CPU µs per call of each body: interleaved repetitions after a warm-up (so load and garbage
 * collection hit every body alike), median per body, less the cost of the turns themselves.
 */
async function perCall(
  bodies: Record<string, () => void>,
  calls = 10_000,
  repetitions = 21,
): Promise<Record<string, number>> {
  const empty = () => {};
  for (const body of Object.values(bodies)) await timeCalls(body, calls * 20);
  const samples = new Map<string, number[]>(Object.keys(bodies).map((name) => [name, []]));
  const turns: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [name, body] of Object.entries(bodies)) samples.get(name)!.push(await timeCalls(body, calls));
    turns.push(await timeCalls(empty, calls));
  }
  const turn = median(turns);
  return Object.fromEntries([...samples].map(([name, values]) => [name, (median(values) - turn) / calls]));
}

/** What a step's projections cost at the bottom: the libraries alone, same shapes as the projections. */
async function floors(): Promise<Record<string, number>> {
  const now = Date.now();
  // Formatted once, as the logger does per millisecond.
  const time = `,"time":"${new Date(now).toISOString()}"`;
  const fields = {
    event: 'step.completed',
    run_id: '0193a5b2-4c1d-7e8f-9a0b-1c2d3e4f5a6b',
    sequence: 17,
    correlation_id: '0193a5b2-4c1d-7e8f-9a0b-1c2d3e4f5a6c',
    causation_id: '0193a5b2-4c1d-7e8f-9a0b-1c2d3e4f5a6b:16',
    request_id: '0193a5b2-4c1d-7e8f-9a0b-1c2d3e4f5a6d',
    step_id: 's8',
    attempt: 1,
    kind: 'action',
    duration_ms: 0,
    attempts: 1,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
  };
  const bare = pino(
    {
      level: 'info',
      base: null,
      messageKey: 'msg',
      timestamp: () => time,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: sink.write },
  );
  let line = '';
  const capture = pino({ base: null, messageKey: 'msg' }, { write: (text: string) => (line = text) });
  capture.info(fields, 'step completed');

  const floorTracer: Tracer = provider().getTracer('bench');
  const parent = floorTracer.startSpan('workflow.run chain');
  const parentContext = trace.setSpan(contextApi.active(), parent);
  const attributes = {
    'run.id': fields.run_id,
    'step.id': 's8',
    'step.path': 's8',
    'step.type': 'action',
    'step.category': 'action',
    'step.attempt': 1,
  };
  const end = { 'step.status': 'success', 'step.attempts': 1, 'step.duration_ms': 0 };
  const all = { ...attributes, ...end };
  const redactor = secretsRuntime().redactor;

  return perCall({
    'pino: one JSON line of the step fields (13 fields)': () => bare.info(fields, 'step completed'),
    'OTel SDK: startSpan with 6 attributes, setAttributes(3), end': () => {
      const span = floorTracer.startSpan('step s8', { startTime: now, attributes }, parentContext);
      span.setAttributes(end);
      span.end(now);
    },
    'OTel SDK: startSpan with all 9 attributes, end': () => {
      floorTracer.startSpan('step s8', { startTime: now, attributes: all }, parentContext).end(now);
    },
    'OTel SDK: startSpan + end, no attributes': () => {
      floorTracer.startSpan('step s8', { startTime: now }, parentContext).end(now);
    },
    [`secrets: mask one ${line.length}-character log line (no secret in it)`]: () => redactor.text(line),
  });
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · chain of ${STEPS} steps · ` +
      `${ROUNDS} rounds of ${RUNS_PER_ROUND} runs after ≥ ${WARMUP_STEPS} warm-up steps per configuration`,
  );
  await warmUp();
  const samples = new Map<string, number[]>(Object.keys(setups).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, setup] of Object.entries(setups)) {
      let ms = 0;
      for (let run = 0; run < RUNS_PER_ROUND; run++) ms += await runOnce(setup);
      samples.get(name)!.push(ms / RUNS_PER_ROUND);
    }
  }
  const baseline = samples.get('engine alone')!;
  const perStep = (ms: number) => ((ms * 1000) / STEPS).toFixed(2);
  console.log('configuration                              CPU µs/step (p25–p75)   ÷ engine alone (p25–p75)');
  for (const [name, values] of samples) {
    const spread = `(${perStep(quantile(values, 0.25))}–${perStep(quantile(values, 0.75))})`;
    // Paired: each round's time over the engine's time in the same round, so load that drifts
    // between rounds cancels out; then the median of those ratios.
    const ratios = values.map((ms, round) => ms / baseline[round]!);
    const ratioSpread = `(${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`;
    console.log(
      `${name.padEnd(42)} ${perStep(median(values)).padStart(6)} ${spread.padStart(15)}   ` +
        `${median(ratios).toFixed(3).padStart(6)}× ${ratioSpread.padStart(11)}`,
    );
  }
  console.log('floor (same process, after warm-up)                            CPU µs/call');
  for (const [name, micros] of Object.entries(await floors())) {
    console.log(`${name.padEnd(62)} ${micros.toFixed(2).padStart(11)}`);
  }
}

await main();
