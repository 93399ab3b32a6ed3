/**
 * What the SDK facade costs on top of the engine, in one process: a chain of N `function`-handler
 * steps run (a) on `@openworkflow/core` with the native function executor and nothing else, (a')
 * the same engine with the secrets runtime's hooks (source, write-time redaction, output policy), (b)
 * through `OpenWorkflow` + `Workflows` with its defaults (secrets runtime and write-time redaction,
 * output policy, interceptor chain, the handler-context view, result mapping and masking), and
 * (c) the same with logs (to a discarding destination), metrics and tracing (no-op tracer) on.
 * Each contender builds its engine or instance once and runs the workflow repeatedly, as an
 * application would. Prints process CPU µs per step (median after warm-up) and the ratios. Run with
 * `pnpm --filter @openworkflow/sdk bench`.
 */
import { cpus } from 'node:os';
import { createFunctionHandler, HandlerRegistry } from '@openworkflow/backend-native';
import { connectorsFrom, createEngine, InMemoryRunStore } from '@openworkflow/core';
import { loadConnector, loadWorkflows, type Workflow } from '@openworkflow/schemas';
import { OpenWorkflow, Workflows } from '@openworkflow/sdk';
import { createSecretsRuntime } from '@openworkflow/secrets';

const SIZES = [100, 1_000];

const connectorDocument = {
  connector: {
    type: 'connector',
    kind: 'sdk',
    name: 'calc',
    namespace: 'bench',
    version: '1.0.0',
    displayName: 'Calc',
    description: 'Adds one',
  },
  actions: [
    {
      name: 'inc',
      description: 'Add one',
      input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      handler: { function: 'calc.inc' },
    },
  ],
};
const connector = loadConnector(connectorDocument).value!;
const inc = ({ n }: { n: number }) => ({ n: n + 1 });

function chainDocument(n: number) {
  return {
    workflows: [
      {
        name: `chain-${n}`,
        steps: Array.from({ length: n }, (_unused, index) => ({
          id: `s${index}`,
          connector: 'connector:bench/calc@1.0.0',
          action: 'inc',
          input: { n: index === 0 ? 0 : `{{ steps.s${index - 1}.output.n }}` },
        })),
        outputs: { n: { value: `{{ steps.s${n - 1}.output.n }}` } },
      },
    ],
  };
}

function coreRunner(workflow: Workflow, secrets = false) {
  const registry = new HandlerRegistry().register('calc.inc', (input) => inc(input as { n: number }));
  const runtime = secrets ? createSecretsRuntime({ get: () => undefined }) : undefined;
  // One engine for every run, as an application keeps one.
  const engine = createEngine({
    store: new InMemoryRunStore(),
    handlers: [createFunctionHandler({ registry })],
    connectors: connectorsFrom([connector]),
    ...(runtime === undefined
      ? {}
      : { secrets: runtime.source, redact: runtime.redact, outputPolicy: runtime.outputPolicy }),
  });
  return async () => {
    const result = await engine.start(workflow, {}).result;
    if (result.outputs.n !== workflow.steps.length) throw new Error(`core: ${result.status}`);
  };
}

async function sdkRunner(workflow: Workflow, observability: boolean) {
  const n = workflow.steps.length;
  // One instance for every run, as an application keeps one.
  const openworkflow = new OpenWorkflow({
    isolated: true,
    secretsManager: { get: () => undefined },
    ...(observability
      ? {
          observability: {
            logs: { destination: { write: () => {} }, level: 'info' as const },
            metrics: true,
            tracing: true,
          },
        }
      : {}),
  });
  await openworkflow.registerConnector(connector);
  openworkflow.registerHandler('calc.inc', inc);
  // Loaded once outside, as the core contender's workflow is: the loader is not measured.
  const workflows = new Workflows([workflow], { openworkflow });
  return async () => {
    const result = await workflows.execute();
    if (result.outputs.n !== n) throw new Error(`sdk: ${result.status} ${JSON.stringify(result.error)}`);
  };
}

/** Median process CPU time (user + system) per run in ms: the machine is shared, wall time is not fair. */
async function measure(run: () => Promise<void>, repetitions: number, warmups = 3): Promise<number> {
  for (let index = 0; index < warmups; index++) await run();
  const samples: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const format = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

async function main(): Promise<void> {
  console.log(`node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`);
  console.log('CPU time per step (median) of a chain of function-handler steps');
  console.log(
    'N       core µs/step  core+secrets µs/step  sdk µs/step  sdk+obs µs/step  sdk÷core  sdk÷core+secrets  sdk+obs÷core',
  );
  // Warm every contender up first so background JIT compilation is not charged to the first size.
  const warm = loadWorkflows(chainDocument(200)).value![0]!;
  for (let round = 0; round < 5; round++) {
    await coreRunner(warm)();
    await coreRunner(warm, true)();
    await (await sdkRunner(warm, false))();
    await (await sdkRunner(warm, true))();
  }
  for (const n of SIZES) {
    const workflow = loadWorkflows(chainDocument(n)).value![0]!;
    const reps = n >= 1_000 ? 7 : 15;
    const coreMs = await measure(coreRunner(workflow), reps);
    const secretsMs = await measure(coreRunner(workflow, true), reps);
    const sdkMs = await measure(await sdkRunner(workflow, false), reps);
    const observedMs = await measure(await sdkRunner(workflow, true), reps);
    const perStep = (ms: number) => (ms * 1000) / n;
    console.log(
      [
        String(n).padEnd(7),
        format(perStep(coreMs)).padStart(12),
        format(perStep(secretsMs)).padStart(21),
        format(perStep(sdkMs)).padStart(12),
        format(perStep(observedMs)).padStart(16),
        `${format(sdkMs / coreMs)}×`.padStart(9),
        `${format(sdkMs / secretsMs)}×`.padStart(17),
        `${format(observedMs / coreMs)}×`.padStart(13),
      ].join(' '),
    );
  }
}

await main();
