/**
 * Per-step overhead of the engine against LangGraph.js and a bare `await` loop, in one process:
 * a chain of N no-op steps and a fan-out of N independent no-op steps, N = 100, 1 000, 10 000.
 * Prints process CPU µs per step and the ratios.
 *
 * Method: every contender is first run to steady state on both shapes (a fixed CPU-time budget
 * each, so the JIT has optimised the hot path, as in a long-running server); then each cell is
 * measured in samples of at least `SAMPLE_STEPS` steps (several runs back to back for small N, so
 * a sample is long enough that GC and timer noise average out instead of deciding the result).
 * The table shows the median sample and, in brackets, the best one. LangGraph is two to three
 * orders of magnitude slower, so it gets fewer samples (one at 10 000 steps). Run with
 * `pnpm --filter @openworkflow/core bench`; `BENCH_WARMUP_MS` changes the warm-up budget.
 */
import { cpus } from 'node:os';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import {
  connectorsFrom,
  createEngine,
  type Engine,
  type HandlerExecutor,
  InMemoryRunStore,
} from '@openworkflow/core';
import type { ActionStep, Connector, Workflow } from '@openworkflow/schemas';

type Shape = 'chain' | 'fan-out';

const SIZES = [100, 1_000, 10_000];

const connector: Connector = {
  type: 'connector',
  id: 'connector:bench/noop@1.0.0',
  kind: 'sdk',
  name: 'noop',
  namespace: 'bench',
  version: '1.0.0',
  displayName: 'No-op',
  description: 'Does nothing',
  metadata: { categories: [] },
  runtime: { timeoutMs: 300_000, environment: [] },
  actions: [
    {
      name: 'noop',
      description: 'noop',
      handler: { type: 'function', function: 'noop' },
      source: { pointer: '' },
    },
  ],
  source: { pointer: '' },
};

const noopExecutor: HandlerExecutor = { type: 'function', execute: async () => null };

function workflowOf(shape: Shape, n: number): Workflow {
  const steps: ActionStep[] = Array.from({ length: n }, (_unused, index) => ({
    id: `s${index}`,
    type: 'action',
    connector: connector.id,
    action: 'noop',
    input: {},
    continueOnError: false,
    needs: [],
    dependsOn: [],
    source: { pointer: `/steps/${index}` },
  }));
  return {
    type: 'workflow',
    name: `${shape}-${n}`,
    version: '1.0.0',
    categories: [],
    strategy: shape === 'chain' ? 'sequential' : 'dag',
    inputs: {},
    outputs: {},
    triggers: [],
    steps,
    source: { pointer: '' },
  };
}

async function bare(shape: Shape, n: number): Promise<void> {
  const noop = async (_input: object): Promise<null> => null;
  const outputs: (null | undefined)[] = new Array(n);
  if (shape === 'chain') {
    for (let index = 0; index < n; index++) outputs[index] = await noop({});
  } else {
    await Promise.all(Array.from({ length: n }, async (_unused, index) => (outputs[index] = await noop({}))));
  }
}

function engine(): Engine {
  return createEngine({
    store: new InMemoryRunStore(),
    handlers: [noopExecutor],
    connectors: connectorsFrom([connector]),
  });
}

async function core(workflow: Workflow): Promise<void> {
  const result = await engine().start(workflow, {}).result;
  if (result.status !== 'success') throw new Error(`run ${result.status}`);
}

const State = Annotation.Root({ count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

function langGraph(shape: Shape, n: number) {
  const graph = new StateGraph(State);
  for (let index = 0; index < n; index++) graph.addNode(`n${index}`, async () => ({ count: 1 }));
  const builder = graph as unknown as {
    addEdge(from: string, to: string): void;
    compile(): { invoke(state: object, config: object): Promise<{ count: number }> };
  };
  for (let index = 0; index < n; index++) {
    if (shape === 'chain') {
      builder.addEdge(index === 0 ? START : `n${index - 1}`, `n${index}`);
    } else {
      builder.addEdge(START, `n${index}`);
      builder.addEdge(`n${index}`, END);
    }
  }
  if (shape === 'chain') builder.addEdge(`n${n - 1}`, END);
  const app = builder.compile();
  return async () => {
    const state = await app.invoke({ count: 0 }, { recursionLimit: n + 10 });
    if (state.count !== n) throw new Error('langgraph miscounted');
  };
}

/** Process CPU time (user + system) in ms: other processes' load is not charged to anyone. */
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Runs `run` until it has used `budgetMs` of CPU time: the JIT reaches its steady state. */
async function warmUp(run: () => Promise<void>, budgetMs: number): Promise<void> {
  const start = cpuMs();
  do await run();
  while (cpuMs() - start < budgetMs);
}

/**
 * CPU ms per run: `samples` samples of `runsPerSample` back-to-back runs each (after one warm-up
 * sample at this size); returns the median and best sample, divided by the runs in a sample.
 */
async function measure(
  run: () => Promise<void>,
  samples: number,
  runsPerSample: number,
): Promise<{ median: number; best: number }> {
  for (let index = 0; index < runsPerSample; index++) await run();
  const perRun: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const start = cpuMs();
    for (let index = 0; index < runsPerSample; index++) await run();
    perRun.push((cpuMs() - start) / runsPerSample);
  }
  perRun.sort((a, b) => a - b);
  return { median: perRun[Math.floor(perRun.length / 2)]!, best: perRun[0]! };
}

/** Steps per engine or bare-loop sample; LangGraph samples are one run (or a few at N = 100). */
const SAMPLE_STEPS = 20_000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);

const format = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

async function main(): Promise<void> {
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
  console.log(
    `CPU time per step after ${WARMUP_MS} ms of warm-up per contender: the median sample, and (in brackets) the best one`,
  );
  console.log(
    'shape    N       bare µs/step    core µs/step    langgraph µs/step  core÷bare       langgraph÷core',
  );
  // Steady state first: every contender runs on both shapes until it has used the same CPU
  // budget, so neither the JIT's tiering nor its background compilation (which process CPU time
  // counts) is charged to whichever cell happens to be measured first.
  for (const shape of ['chain', 'fan-out'] as const) {
    const mid = workflowOf(shape, 1_000);
    await warmUp(() => bare(shape, 1_000), WARMUP_MS / 4);
    await warmUp(() => core(mid), WARMUP_MS);
    await warmUp(langGraph(shape, 100), WARMUP_MS);
  }
  const both = (median: number, best: number) => `${format(median)} [${format(best)}]`;
  for (const shape of ['chain', 'fan-out'] as const) {
    for (const n of SIZES) {
      const workflow = workflowOf(shape, n);
      const runs = Math.max(1, Math.round(SAMPLE_STEPS / n));
      const bareMs = await measure(() => bare(shape, n), 9, runs);
      const coreMs = await measure(() => core(workflow), 9, runs);
      const graphMs = await measure(langGraph(shape, n), n >= 10_000 ? 1 : 3, n === 100 ? 4 : 1);
      const perStep = (ms: number) => (ms * 1000) / n;
      console.log(
        [
          shape.padEnd(8),
          String(n).padEnd(7),
          both(perStep(bareMs.median), perStep(bareMs.best)).padStart(14),
          both(perStep(coreMs.median), perStep(coreMs.best)).padStart(15),
          both(perStep(graphMs.median), perStep(graphMs.best)).padStart(18),
          `${format(coreMs.median / bareMs.median)}× [${format(coreMs.best / bareMs.best)}×]`.padStart(16),
          `${format(graphMs.median / coreMs.median)}× [${format(graphMs.best / coreMs.best)}×]`.padStart(18),
        ].join(' '),
      );
    }
  }
}

await main();
