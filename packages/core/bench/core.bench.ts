/**
 * Per-step overhead of the engine against LangGraph.js and a bare `await` loop: a chain of N no-op
 * steps and a fan-out of N independent no-op steps, N = 100, 1 000, 10 000. Prints process CPU µs
 * per step and the ratios.
 *
 * Method: each contender runs in its own Node process (started by this script, one after the
 * other), so one contender's heap and JIT state — LangGraph leaves a large old generation behind —
 * are not charged to another. In its process a contender first runs to steady state on both
 * shapes (a fixed CPU-time budget, so the JIT has optimised the hot path, as in a long-running
 * server); then each cell is measured in samples of at least `SAMPLE_STEPS` steps (several runs
 * back to back for small N, so that GC and timer noise average out within a sample instead of
 * deciding it). The table shows the median sample and, in brackets, the best one. LangGraph is two
 * to three orders of magnitude slower, so it gets fewer samples (one at 10 000 steps). Run with
 * `pnpm --filter @openworkflow/core bench`; `BENCH_WARMUP_MS` changes the warm-up budget.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
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

type Contender = 'bare' | 'core' | 'langgraph';
type Cell = { median: number; best: number };
/** CPU µs per step by shape and N, as a contender's process reports it. */
type Results = Record<string, Cell>;

const cellKey = (shape: Shape, n: number) => `${shape}/${n}`;

/** The work of one contender's process: warm up, measure every cell, print JSON. */
async function runContender(contender: Contender): Promise<Results> {
  const results: Results = {};
  const runner = (shape: Shape, n: number): (() => Promise<void>) => {
    if (contender === 'bare') return () => bare(shape, n);
    if (contender === 'langgraph') return langGraph(shape, n);
    const workflow = workflowOf(shape, n);
    return () => core(workflow);
  };
  for (const shape of ['chain', 'fan-out'] as const) {
    await warmUp(runner(shape, contender === 'langgraph' ? 100 : 1_000), WARMUP_MS);
  }
  for (const shape of ['chain', 'fan-out'] as const) {
    for (const n of SIZES) {
      const cell =
        contender === 'langgraph'
          ? await measure(runner(shape, n), n >= 10_000 ? 1 : 3, n === 100 ? 4 : 1)
          : await measure(runner(shape, n), 9, Math.max(1, Math.round(SAMPLE_STEPS / n)));
      results[cellKey(shape, n)] = { median: (cell.median * 1000) / n, best: (cell.best * 1000) / n };
    }
  }
  return results;
}

/** Runs one contender in a child process of this script and reads its results. */
function inChildProcess(contender: Contender): Promise<Results> {
  return new Promise((resolve, reject) => {
    // LangGraph adds an abort listener per node to one signal, so Node warns about a possible
    // listener leak on every large graph; that is LangGraph's business, not the measurement's.
    const flags = contender === 'langgraph' ? ['--no-warnings'] : [];
    const child = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), contender], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${contender} benchmark exited with ${code}`));
      else resolve(JSON.parse(output) as Results);
    });
  });
}

async function main(): Promise<void> {
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
  console.log(
    `CPU time per step after ${WARMUP_MS} ms of warm-up per contender: the median sample, and (in brackets) the best one`,
  );
  console.log(
    'shape    N       bare µs/step    core µs/step    langgraph µs/step  core÷bare       langgraph÷core',
  );
  const started = Date.now();
  const measured = async (contender: Contender) => {
    process.stderr.write(`measuring ${contender}… `);
    const results = await inChildProcess(contender);
    process.stderr.write(`done (${Math.round((Date.now() - started) / 1000)} s)\n`);
    return results;
  };
  const bareResults = await measured('bare');
  const coreResults = await measured('core');
  // LangGraph takes minutes: a 10 000-node graph runs for about a minute per shape.
  const graphResults = await measured('langgraph');
  const both = (median: number, best: number) => `${format(median)} [${format(best)}]`;
  for (const shape of ['chain', 'fan-out'] as const) {
    for (const n of SIZES) {
      const key = cellKey(shape, n);
      const bareCell = bareResults[key]!;
      const coreCell = coreResults[key]!;
      const graphCell = graphResults[key]!;
      console.log(
        [
          shape.padEnd(8),
          String(n).padEnd(7),
          both(bareCell.median, bareCell.best).padStart(14),
          both(coreCell.median, coreCell.best).padStart(15),
          both(graphCell.median, graphCell.best).padStart(18),
          `${format(coreCell.median / bareCell.median)}× [${format(coreCell.best / bareCell.best)}×]`.padStart(
            16,
          ),
          `${format(graphCell.median / coreCell.median)}× [${format(graphCell.best / coreCell.best)}×]`.padStart(
            18,
          ),
        ].join(' '),
      );
    }
  }
}

const contender = process.argv[2] as Contender | undefined;
if (contender === undefined) await main();
else process.stdout.write(JSON.stringify(await runContender(contender)));
