/**
 * Overhead of observability on the engine: core's chain benchmark shape (N no-op action steps,
 * sequential) run with the engine's defaults, with observability wired but disabled, with each of
 * logging, metrics, tracing and secret redaction alone, and with everything on. Prints CPU µs per
 * step (median of interleaved rounds, `process.cpuUsage`, as the core benchmark measures) and
 * each configuration's ratio to the engine alone. Run with
 * `pnpm --filter @openworkflow/observability bench` (BENCH_ROUNDS, BENCH_STEPS to change the size).
 */
import { cpus } from 'node:os';
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

const STEPS = Number(process.env.BENCH_STEPS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

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

type Setup = () => EngineOptions;

function observed(options: ObservabilityOptions, withSecrets = true): Setup {
  return () => {
    const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: { API_KEY: 'sk-bench-0123456789' } }));
    secrets.register('API_KEY', 'sk-bench-0123456789');
    const observability = createObservability({ ...options, redaction: secrets.redactor });
    const redact = withSecrets
      ? observability.hook<RunEvent>(secrets.redact)
      : observability.hook<RunEvent>();
    return { logger: observability.logger, ...(redact === undefined ? {} : { redact }) };
  };
}

/** A production-shaped provider: batch export (to nowhere), optionally sampling `ratio` of runs. */
const tracer = (ratio = 1) =>
  new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(discard)],
  }).getTracer('bench');
const logs = { destination: sink, level: 'info' as const };

const setups: Record<string, Setup> = {
  'engine alone': () => ({}),
  'observability disabled': () => {
    const observability = createObservability({ enabled: false });
    const redact = observability.hook<RunEvent>(undefined);
    return { logger: observability.logger, ...(redact === undefined ? {} : { redact }) };
  },
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  console.log(
    `node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · chain of ${STEPS} steps · ${ROUNDS} rounds`,
  );
  const samples = new Map<string, number[]>(Object.keys(setups).map((name) => [name, []]));
  for (let round = -3; round < ROUNDS; round++) {
    for (const [name, setup] of Object.entries(setups)) {
      const ms = await runOnce(setup);
      if (round >= 0) samples.get(name)!.push(ms);
    }
  }
  const baseline = median(samples.get('engine alone')!);
  console.log('configuration                              CPU µs/step   ÷ engine alone');
  for (const [name, values] of samples) {
    const ms = median(values);
    console.log(
      `${name.padEnd(42)} ${((ms * 1000) / STEPS).toFixed(2).padStart(11)}   ${(ms / baseline).toFixed(3).padStart(12)}×`,
    );
  }
}

await main();
