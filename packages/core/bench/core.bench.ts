/**
 * Per-step overhead of the engine against LangGraph.js and a bare `await` loop: a chain of N no-op
 * steps and a fan-out of N independent no-op steps, N = 100, 1 000, 10 000. Prints process CPU µs
 * per step and the ratios. A fourth column, the log floor (`logFloor`), is the least any engine that
 * keeps an event log in memory does per step, to show how much of the distance to the bare loop
 * the log itself accounts for.
 *
 * Method: every contender measures every cell (shape and N) in a fresh Node process started by
 * this script, one after the other, so what one cell leaves behind in the heap and the JIT's
 * feedback is not charged to another (see `inChildProcess`). In its process a contender first runs
 * to steady state on that shape (a fixed CPU-time budget, so the JIT has optimised the hot path,
 * as in a long-running server); then it is measured in samples of at least `SAMPLE_STEPS` steps
 * (several runs back to back for small N, so that GC and timer noise average out within a sample
 * instead of deciding it). The table shows the median sample and, in brackets, the best one.
 * LangGraph is two to three orders of magnitude slower, so it gets fewer samples (one at 10 000
 * steps). Run with `pnpm --filter @openworkflow/core bench`; `BENCH_WARMUP_MS` changes the warm-up
 * budget.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
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

/** An event of the floor's log: the fields every event of the engine's log has. */
interface FloorEvent {
  readonly sequence: number;
  readonly type: string;
  readonly runId: string;
  readonly stepId: string | undefined;
  readonly attempt: number;
  readonly time: number;
  readonly data: object;
}

/**
 * The least a run that keeps a durable event log in memory does per step: append a `step.started`
 * and a `step.completed` event (sequence number, clock read, kept until the run ends), await the
 * handler, record the step's outcome. No retries, timeouts, cancellation, expressions, hooks or
 * store interface: the limit a logged engine can approach, as the bare loop is the limit of any
 * engine.
 */
async function logFloor(shape: Shape, ids: readonly string[]): Promise<void> {
  const noop = async (_input: object): Promise<null> => null;
  const runId = 'run-1';
  const log: FloorEvent[] = [];
  const steps: Record<string, { status: string; output: null; attempts: number }> = Object.create(null);
  const append = (type: string, stepId: string | undefined, data: object): void => {
    const event: FloorEvent = {
      sequence: log.length,
      type,
      runId,
      stepId,
      attempt: 1,
      time: Date.now(),
      data,
    };
    log.push(event);
  };
  const step = async (id: string): Promise<void> => {
    append('step.started', id, { kind: 'action' });
    const output = await noop({});
    append('step.completed', id, { output });
    steps[id] = { status: 'success', output, attempts: 1 };
  };
  append('run.started', undefined, {});
  if (shape === 'chain') for (const id of ids) await step(id);
  else await Promise.all(ids.map(step));
  append('run.completed', undefined, {});
  if (log.length !== ids.length * 2 + 2) throw new Error('floor lost events');
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

/**
 * LangGraph is imported only by the processes that measure it: loading it grows the heap, which
 * would otherwise be charged to the other contenders' garbage collection.
 */
async function langGraph(shape: Shape, n: number): Promise<() => Promise<void>> {
  const { Annotation, END, START, StateGraph } = await import('@langchain/langgraph');
  const State = Annotation.Root({
    count: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  });
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

/** Steps per engine, floor or bare-loop sample; LangGraph samples are one run (or a few at N = 100). */
const SAMPLE_STEPS = 20_000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);

const format = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

type Contender = 'bare' | 'floor' | 'core' | 'langgraph';
type Cell = { median: number; best: number };

/**
 * The work of one child process: one contender on one cell (shape and N). It runs to steady state
 * on that shape first (LangGraph on a 100-node graph: its large graphs take seconds per run, and
 * `measure`'s own warm-up run covers them), then measures; prints CPU µs per step as JSON.
 */
async function runCell(contender: Contender, shape: Shape, n: number): Promise<Cell> {
  const runner = async (size: number): Promise<() => Promise<void>> => {
    if (contender === 'bare') return () => bare(shape, size);
    if (contender === 'floor') {
      const ids = Array.from({ length: size }, (_unused, index) => `s${index}`);
      return () => logFloor(shape, ids);
    }
    if (contender === 'langgraph') return langGraph(shape, size);
    const workflow = workflowOf(shape, size);
    return () => core(workflow);
  };
  await warmUp(await runner(contender === 'langgraph' ? 100 : n), WARMUP_MS);
  const cell =
    contender === 'langgraph'
      ? await measure(await runner(n), n >= 10_000 ? 1 : 3, n === 100 ? 4 : 1)
      : await measure(await runner(n), 9, Math.max(1, Math.round(SAMPLE_STEPS / n)));
  return { median: (cell.median * 1000) / n, best: (cell.best * 1000) / n };
}

/**
 * Runs one contender on one cell in a fresh child process of this script. One process per cell
 * (as JMH forks a JVM per benchmark): what one shape leaves behind — JIT feedback shaped by
 * another call pattern, a grown old generation — measurably changes the next cell (the engine's
 * 100-step chain cost 1.3–1.8× more per step right after fan-outs of 1 000 than in a process of
 * its own), and that would make each number depend on the order of the table.
 */
function inChildProcess(contender: Contender, shape: Shape, n: number): Promise<Cell> {
  return new Promise((resolve, reject) => {
    // LangGraph adds an abort listener per node to one signal, so Node warns about a possible
    // listener leak on every large graph; that is LangGraph's business, not the measurement's.
    const flags = contender === 'langgraph' ? ['--no-warnings'] : [];
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [...flags, script, contender, shape, String(n)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${contender} ${shape} ${n} benchmark exited with ${code}`));
      else resolve(JSON.parse(output) as Cell);
    });
  });
}

async function main(): Promise<void> {
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
  console.log(
    `CPU time per step after ${WARMUP_MS} ms of warm-up per contender: the median sample, and (in brackets) the best one`,
  );
  console.log(
    'shape    N       bare µs/step   floor µs/step    core µs/step    langgraph µs/step  floor÷bare     core÷bare       langgraph÷core',
  );
  const started = Date.now();
  const both = (cell: Cell) => `${format(cell.median)} [${format(cell.best)}]`;
  for (const shape of ['chain', 'fan-out'] as const) {
    for (const n of SIZES) {
      const cells: Partial<Record<Contender, Cell>> = {};
      for (const contender of ['bare', 'floor', 'core', 'langgraph'] as const) {
        // Progress on stderr: LangGraph's 10 000-node cells take a minute or two each.
        process.stderr.write(
          `\r${shape} ${n}: ${contender}… (${Math.round((Date.now() - started) / 1000)} s)   `,
        );
        cells[contender] = await inChildProcess(contender, shape, n);
      }
      process.stderr.write('\r\x1b[K');
      const bareCell = cells.bare!;
      const floorCell = cells.floor!;
      const coreCell = cells.core!;
      const graphCell = cells.langgraph!;
      const ratio = (slower: Cell, faster: Cell) =>
        `${format(slower.median / faster.median)}× [${format(slower.best / faster.best)}×]`;
      console.log(
        [
          shape.padEnd(8),
          String(n).padEnd(7),
          both(bareCell).padStart(14),
          both(floorCell).padStart(15),
          both(coreCell).padStart(15),
          both(graphCell).padStart(18),
          ratio(floorCell, bareCell).padStart(14),
          ratio(coreCell, bareCell).padStart(16),
          ratio(graphCell, coreCell).padStart(18),
        ].join(' '),
      );
    }
  }
}

const [contender, shape, size] = process.argv.slice(2) as [Contender?, Shape?, string?];
if (contender === undefined) await main();
else process.stdout.write(JSON.stringify(await runCell(contender, shape ?? 'chain', Number(size ?? 100))));
