import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunEvent } from '@openworkflow/core';
import type { JsonValue } from '@openworkflow/schemas';
import type { ObservabilityExporter, OpenWorkflowOptions, WorkflowResult } from '@openworkflow/sdk';
import { booleanFlag, type ParsedArgs, stringFlag, stringsFlag, UsageError } from '../args.js';
import { EXIT_OK, exitCodeFor } from '../exit-codes.js';
import { collectEnvironment, collectInputs, InputFileError } from '../inputs.js';
import { type CliIo, writeLine } from '../io.js';
import { MAX_RUN_OUTPUT_LENGTH } from '../limits.js';
import { loadWorkflowForCommand } from '../load-workflow.js';
import { createProgress, formatDuration } from '../progress.js';
import { findProjectLayout } from '../project-root.js';

type Sdk = typeof import('@openworkflow/sdk');
type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** The observability flags of `run` (issue 7), checked before anything is loaded. */
interface TelemetryFlags {
  readonly logFormat?: 'json' | 'text';
  readonly logLevel?: LogLevel;
  readonly metricsPort?: number;
  readonly otlpEndpoint?: string;
}

/**
 * `openworkflow run <file>`: loads the project around the file through the SDK's `loadProject`
 * (its `openworkflow.config.mjs`, its `connectors/`), runs one workflow with live progress on
 * stderr and prints the outputs (with `--json`: the whole result) on stdout. Exit 0 on success,
 * otherwise the exit code of the run's error code (spec/cli.md#exit-codes). Everything the command
 * prints passes through the run's secret masker.
 */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.positionals[0]!;
  const json = booleanFlag(args, 'json');
  const telemetry = telemetryFlags(args);
  const environment = collectEnvironment(stringsFlag(args, 'env'), io.env);
  let inputs: Awaited<ReturnType<typeof collectInputs>>;
  try {
    inputs = await collectInputs(stringsFlag(args, 'input'), stringFlag(args, 'input-file'), io.cwd);
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    writeLine(io.stderr, `openworkflow: VALIDATION: ${error.message}`);
    return exitCodeFor('VALIDATION');
  }

  // The CLI's own load first: diagnostics with positions, and the choices when a name is wrong.
  const picked = await loadWorkflowForCommand(file, stringFlag(args, 'workflow'), io);
  if (!picked.ok) return picked.exitCode;

  // A misspelt input would otherwise be ignored silently: the engine only reads declared ones.
  for (const key of Object.keys(inputs)) {
    if (!Object.hasOwn(picked.workflow.inputs, key)) {
      const declared = Object.keys(picked.workflow.inputs);
      writeLine(
        io.stderr,
        `openworkflow: warning: '${picked.workflow.name}' declares no input '${key}' (inputs: ${declared.join(', ') || 'none'})`,
      );
    }
  }

  // Only now is the runtime loaded.
  const sdk: Sdk = await import('@openworkflow/sdk');
  const { options: telemetryOptions, prometheus } = sdkOptions(sdk, telemetry, io);
  // The config's environment and these are merged by loadProject (flags win per name).
  const options: OpenWorkflowOptions =
    Object.keys(environment).length === 0 ? telemetryOptions : { ...telemetryOptions, environment };
  let project: Awaited<ReturnType<Sdk['loadProject']>>;
  try {
    const path = resolve(io.cwd, file);
    const config = stringFlag(args, 'config');
    const layout = await findProjectLayout(path);
    project = await sdk.loadProject(path, {
      options,
      ...(layout.connectorsDir === undefined ? {} : { connectorsDir: layout.connectorsDir }),
      ...(layout.agentsDir === undefined ? {} : { agentsDir: layout.agentsDir }),
      ...(config !== undefined
        ? { config: resolve(io.cwd, config) }
        : layout.config === undefined
          ? {}
          : { config: layout.config }),
    });
  } catch (error) {
    return reportError(io, error, (text) => text);
  }
  const { openworkflow, workflows } = project;
  const mask = (text: string) => openworkflow.secrets.redactor.text(text);
  const tree = io.stderr.isTTY === true;
  const progress = json
    ? undefined
    : createProgress(io.stderr, {
        mode: tree ? 'tree' : 'lines',
        mask,
        // Redrawing in place only works for what fits on the screen; older lines are folded.
        maxLines: Math.max(5, (io.stderr.rows ?? 42) - 2),
      });
  try {
    const started = performance.now();
    const run = workflows.start(picked.workflow.name, inputs);
    const onAbort = () => void run.cancel('interrupted by the user');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const following = progress === undefined ? Promise.resolve() : follow(run.events(), progress.onEvent);
    const result = await run.result;
    await following;
    progress?.finish();
    io.signal?.removeEventListener('abort', onAbort);
    if (prometheus?.url !== undefined && !json)
      writeLine(io.stderr, `metrics were served at ${prometheus.url}`);
    if (json) writeLine(io.stdout, mask(JSON.stringify(result, null, 2)));
    else printResult(io, picked.workflow.name, result, performance.now() - started, mask);
    if (result.status === 'success') return EXIT_OK;
    return exitCodeFor(result.error?.code ?? (result.status === 'canceled' ? 'CANCELED' : 'INTERNAL_ERROR'));
  } catch (error) {
    progress?.finish();
    return reportError(io, error, mask);
  } finally {
    await openworkflow.close();
  }
}

async function follow(events: AsyncIterable<RunEvent>, onEvent: (event: RunEvent) => void): Promise<void> {
  for await (const event of events) onEvent(event);
}

function telemetryFlags(args: ParsedArgs): TelemetryFlags {
  const port = stringFlag(args, 'metrics-port');
  const endpoint = stringFlag(args, 'otlp-endpoint');
  const metricsPort = port === undefined ? undefined : Number(port);
  if (
    metricsPort !== undefined &&
    !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65_535)
  ) {
    throw new UsageError(`--metrics-port must be a port number from 0 to 65535 (got '${port}')`, 'run');
  }
  if (endpoint !== undefined && !/^https?:\/\/\S+$/i.test(endpoint)) {
    throw new UsageError(`--otlp-endpoint must be an http:// or https:// URL (got '${endpoint}')`, 'run');
  }
  const logFormat = stringFlag(args, 'log-format') as TelemetryFlags['logFormat'];
  const logLevel = stringFlag(args, 'log-level') as LogLevel | undefined;
  return {
    ...(logFormat === undefined ? {} : { logFormat }),
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(metricsPort === undefined ? {} : { metricsPort }),
    ...(endpoint === undefined ? {} : { otlpEndpoint: endpoint }),
  };
}

/**
 * SDK options for the telemetry flags. Logs go to stderr (stdout carries the result); metrics are
 * served by a Prometheus exporter on loopback; spans go to the OTLP endpoint, one export per span
 * because a CLI process is short-lived.
 */
function sdkOptions(
  sdk: Sdk,
  telemetry: TelemetryFlags,
  io: CliIo,
): { options: OpenWorkflowOptions; prometheus?: InstanceType<Sdk['PrometheusExporter']> } {
  const exporters: ObservabilityExporter[] = [];
  const prometheus =
    telemetry.metricsPort === undefined
      ? undefined
      : new sdk.PrometheusExporter({ port: telemetry.metricsPort });
  if (prometheus !== undefined) exporters.push(prometheus);
  if (telemetry.otlpEndpoint !== undefined) {
    exporters.push(new sdk.OpenTelemetryExporter({ endpoint: telemetry.otlpEndpoint, immediate: true }));
  }
  const logs = telemetry.logFormat !== undefined || telemetry.logLevel !== undefined;
  const options: OpenWorkflowOptions = {
    ...(logs
      ? {
          observability: {
            logs: {
              format: telemetry.logFormat ?? 'json',
              level: telemetry.logLevel ?? 'info',
              destination: { write: (line: string) => io.stderr.write(line) },
            },
          },
        }
      : {}),
    ...(exporters.length === 0 ? {} : { observabilityExporter: exporters }),
  };
  return { options, ...(prometheus === undefined ? {} : { prometheus }) };
}

function printResult(
  io: CliIo,
  name: string,
  result: WorkflowResult,
  elapsedMs: number,
  mask: (text: string) => string,
): void {
  const out = (line = '') => writeLine(io.stdout, mask(line));
  const steps = Object.keys(result.steps).length;
  const summary = `${steps} step${steps === 1 ? '' : 's'}, ${formatDuration(elapsedMs)}, run ${result.runId}`;
  if (result.status === 'success') {
    out(`✓ ${name} succeeded (${summary})`);
  } else {
    const error = result.error === undefined ? '' : `: ${result.error.code} ${result.error.message}`;
    out(`✗ ${name} ${result.status === 'failed' ? 'failed' : 'was canceled'} (${summary})${error}`);
    for (const [id, step] of Object.entries(result.steps)) {
      if (step.status === 'failed' && step.error !== undefined) {
        out(
          `  step ${id} failed after ${step.attempts} attempt(s): ${step.error.code} ${step.error.message}`,
        );
      }
    }
  }
  const outputs = Object.entries(result.outputs);
  if (outputs.length === 0) return;
  out('Outputs:');
  for (const [key, value] of outputs) out(`  ${key}: ${render(value)}`);
}

function render(value: JsonValue): string {
  if (typeof value === 'string' && value.includes('\n')) return `\n${value.trimEnd().replace(/^/gm, '    ')}`;
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= MAX_RUN_OUTPUT_LENGTH ? text : `${text.slice(0, MAX_RUN_OUTPUT_LENGTH - 1)}…`;
}

function reportError(io: CliIo, error: unknown, mask: (text: string) => string): number {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'INTERNAL_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, mask(`openworkflow: ${code}: ${message}`));
  return exitCodeFor(code);
}
