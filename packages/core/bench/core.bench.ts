/**
 * Per-step overhead of the engine against LangGraph.js and a bare `await` loop, in one process:
 * a chain of N no-op steps and a fan-out of N independent no-op steps, N = 100, 1 000, 10 000.
 * Prints process CPU µs per step and the ratios (after a global warm-up of every contender, the
 * median and the best of the repetitions after three more warm-up runs per size; LangGraph at
 * 10 000 steps: one warm-up, one run). The best run is the least disturbed one on a shared
 * machine; the median shows what load does. Run with `pnpm --filter @openworkflow/core bench`.
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

/**
 * Median CPU time of the process (user + system, `process.cpuUsage`) per run, in ms. CPU time
 * rather than wall time because the machine is shared: other processes' load would otherwise be
 * counted against whichever contender happened to run during it.
 */
async function measure(
  run: () => Promise<void>,
  repetitions: number,
  warmups = 3,
): Promise<{ median: number; best: number }> {
  for (let index = 0; index < warmups; index++) await run();
  const samples: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, best: samples[0]! };
}

const format = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

async function main(): Promise<void> {
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
  console.log('CPU time per step: the median run, and (in brackets) the best run, of each contender');
  console.log(
    'shape    N       bare µs/step    core µs/step    langgraph µs/step  core÷bare       langgraph÷core',
  );
  // Warm every contender up on both shapes first, so the JIT's background compilation (which
  // process CPU time counts) is not charged to whichever size happens to be measured first.
  for (const shape of ['chain', 'fan-out'] as const) {
    for (let round = 0; round < 5; round++) {
      await bare(shape, 2_000);
      await core(workflowOf(shape, 2_000));
    }
    const warm = langGraph(shape, 200);
    for (let round = 0; round < 3; round++) await warm();
  }
  const both = (median: number, best: number) => `${format(median)} [${format(best)}]`;
  for (const shape of ['chain', 'fan-out'] as const) {
    for (const n of SIZES) {
      const workflow = workflowOf(shape, n);
      const reps = n >= 10_000 ? 3 : 9;
      const bareMs = await measure(() => bare(shape, n), reps * 5);
      const coreMs = await measure(() => core(workflow), reps);
      const graphMs = await measure(langGraph(shape, n), n >= 10_000 ? 1 : 3, n >= 10_000 ? 1 : 3);
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
