/**
 * The reference conformance driver: the SDK (`OpenWorkflow`) behind the JSON-lines driver protocol
 * of `@openworkflow/conformance` (conformance/PROTOCOL.md). One `OpenWorkflow` per run, so each run
 * has its own clock, environment, secrets and egress allowance; connectors and workflows come
 * from the documents of the request, loaded by `@openworkflow/schemas` with their file names.
 */
import { createInterface } from 'node:readline';
import { createNativeAgentBackend } from '@openworkflow/agents';
import type { EgressGuardOptions } from '@openworkflow/backend-native';
import { agentsFrom, OpenWorkflowError, type RunEvent } from '@openworkflow/core';
import {
  type Agent,
  type Connector,
  type Diagnostic,
  type JsonObject,
  type JsonValue,
  loadDocument,
  type Workflow,
} from '@openworkflow/schemas';
import type { ActionInterceptor } from '../interceptor.js';
import { OpenWorkflow } from '../open-workflow.js';
import type { WorkflowResult, WorkflowRun } from '../result.js';
import { VirtualClock } from './virtual-clock.js';

export const PROTOCOL = 'openworkflow-conformance/1';
const DRIVER_NAME = 'openworkflow-ts';
const DRIVER_VERSION = '0.1.0';
const MAX_CONCURRENT_RUNS = 8;

/** Event types of the protocol's closed list; core's others travel as `x-openworkflow.<type>`. */
const PROTOCOL_EVENT_TYPES = new Set([
  'run.started',
  'step.started',
  'step.retrying',
  'step.completed',
  'step.failed',
  'step.skipped',
  'run.suspended',
  'run.resumed',
  'run.completed',
  'run.failed',
  'run.canceled',
]);

/** The signal that decides a pending approval (conformance/PROTOCOL.md, "Approvals"). */
export const APPROVAL_SIGNAL = 'approval.decide';

interface ProtocolDocument {
  readonly name: string;
  readonly content: string;
}

type Request = { readonly id: string; readonly type: string } & Record<string, unknown>;

/** Writes one protocol message. */
export type Writer = (message: JsonObject) => void;

interface ActiveRun {
  handle: WorkflowRun | undefined;
  readonly clock: VirtualClock | undefined;
  /** Step id → interrupt id of its pending approval, from `interrupt.requested` events. */
  readonly approvals: Map<string, string>;
}

interface LoadedSet {
  readonly agents: Agent[];
  readonly connectors: Connector[];
  readonly workflows: Workflow[];
  readonly diagnostics: Diagnostic[];
}

function loadSet(documents: readonly ProtocolDocument[]): LoadedSet {
  const agents: Agent[] = [];
  const connectors: Connector[] = [];
  const workflows: Workflow[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const document of documents) {
    const loaded = loadDocument(document.content, { file: document.name });
    diagnostics.push(...loaded.diagnostics);
    const value = loaded.value;
    if (value === undefined) continue;
    if (value.kind === 'connector') connectors.push(value.connector);
    else if (value.kind === 'agent') agents.push(value.agent);
    else if (value.kind === 'workflows') workflows.push(...value.workflows);
    else if (value.kind === 'bundle') {
      const bundle = value.bundle as unknown as {
        connectors?: readonly Connector[];
        workflows?: readonly Workflow[];
      };
      connectors.push(...(bundle.connectors ?? []));
      workflows.push(...(bundle.workflows ?? []));
    }
  }
  return { agents, connectors, workflows, diagnostics };
}

function toProtocolDiagnostic(diagnostic: Diagnostic): JsonObject {
  const out: JsonObject = {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    pointer: diagnostic.pointer,
  };
  if (diagnostic.file !== undefined) out.document = diagnostic.file;
  if (diagnostic.line !== undefined) out.line = diagnostic.line;
  if (diagnostic.column !== undefined) out.column = diagnostic.column;
  return out;
}

function toProtocolEvent(event: RunEvent): JsonObject {
  const out: JsonObject = {
    sequence: event.sequence,
    type: PROTOCOL_EVENT_TYPES.has(event.type) ? event.type : `x-openworkflow.${event.type}`,
    runId: event.runId,
    time: new Date(event.time).toISOString(),
    data: event.data,
  };
  if (event.stepId !== undefined) out.stepId = event.stepId;
  if (event.attempt !== undefined) out.attempt = event.attempt;
  if (event.path !== undefined) out.data = { ...event.data, path: event.path };
  return out;
}

/** The SDK's error envelope without its `status`: the protocol's `{code, message, details}`. */
function protocolError(envelope: { code: string; message: string; details: JsonObject }): JsonObject {
  return { code: envelope.code, message: envelope.message, details: envelope.details };
}

function toProtocolResult(result: WorkflowResult): JsonObject {
  const steps: JsonObject = {};
  for (const [id, record] of Object.entries(result.steps)) {
    const step: JsonObject = { status: record.status, output: record.output, attempts: record.attempts };
    if (record.error !== undefined) step.error = protocolError(record.error);
    steps[id] = step;
  }
  const out: JsonObject = { runId: result.runId, status: result.status, outputs: result.outputs, steps };
  if (result.error !== undefined) out.error = protocolError(result.error);
  return out;
}

/** A result for a run refused before it started: no events. */
function rejected(runId: string, error: OpenWorkflowError): JsonObject {
  return {
    runId,
    status: 'failed',
    outputs: {},
    steps: {},
    error: { code: error.code, message: error.message, details: error.details as JsonObject },
  };
}

/** The behaviour server's origins become the only loopback destinations a run may reach. */
function egressFor(allowOrigins: readonly string[]): EgressGuardOptions {
  const addresses = new Set<string>();
  const ports = new Set<number>();
  for (const origin of allowOrigins) {
    const url = new URL(origin);
    addresses.add(url.hostname.replace(/^\[|\]$/g, ''));
    ports.add(Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
  }
  // Allowance is per origin: another port on the same loopback address stays refused.
  return {
    allowedAddresses: [...addresses],
    ...(ports.size === 0 ? {} : { policy: { allowedPorts: [...ports] } }),
  };
}

/** Handler calls are I/O: the virtual clock stands still while one is in flight. */
function holdClock(clock: VirtualClock): ActionInterceptor {
  return (_invocation, next) => clock.track(next);
}

/** The protocol loop: takes request lines, answers through `write`, calls `shutdown` after acking one. */
export class ConformanceDriver {
  readonly #write: Writer;
  readonly #shutdown: () => void;
  readonly #runs = new Map<string, ActiveRun>();

  constructor(write: Writer, shutdown: () => void = () => {}) {
    this.#write = write;
    this.#shutdown = shutdown;
  }

  /** Handles one request line; never throws. */
  async handle(line: string): Promise<void> {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      return;
    }
    const id = String(request.id);
    try {
      switch (request.type) {
        case 'hello':
          return this.#write({
            id,
            type: 'hello',
            protocol: PROTOCOL,
            name: DRIVER_NAME,
            version: DRIVER_VERSION,
            profiles: ['core', 'expressions', 'logic', 'errors', 'secrets', 'http', 'loader', 'agents'],
            capabilities: {
              validate: true,
              signals: true,
              cancel: true,
              virtualTime: true,
              maxConcurrentRuns: MAX_CONCURRENT_RUNS,
            },
          });
        case 'validate':
          return this.#validate(id, request.documents as ProtocolDocument[]);
        case 'run':
          return await this.#run(id, request);
        case 'signal':
          return await this.#control(id, request, async (run) => {
            const name = String(request.name);
            if (name === APPROVAL_SIGNAL) return this.#decide(run, (request.payload ?? {}) as JsonObject);
            await run.handle?.signal(name, (request.payload ?? null) as JsonValue);
          });
        case 'cancel':
          return await this.#control(id, request, async (run) => {
            await run.handle?.cancel(String(request.reason ?? 'canceled'));
          });
        case 'advance':
          return await this.#control(id, request, async (run) => {
            if (run.clock === undefined)
              throw new OpenWorkflowError('VALIDATION', 'run is on the real clock');
            await run.clock.advance(Number(request.ms));
          });
        case 'shutdown':
          this.#write({ id, type: 'ack' });
          this.#shutdown();
          return;
        default:
          this.#write({ id, type: 'error', code: 'UNSUPPORTED', message: `unknown request ${request.type}` });
      }
    } catch (error) {
      // A request the run cannot take (no such approval pending, a signal to a finished run) is
      // the runner's mistake, not the driver's.
      const code =
        OpenWorkflowError.is(error) && (error.code === 'NOT_FOUND' || error.code === 'VALIDATION')
          ? 'BAD_REQUEST'
          : 'INTERNAL';
      this.#write({ id, type: 'error', code, message: messageOf(error) });
    }
  }

  #validate(id: string, documents: readonly ProtocolDocument[]): void {
    const { diagnostics } = loadSet(documents);
    this.#write({ id, type: 'validated', diagnostics: diagnostics.map(toProtocolDiagnostic) });
  }

  async #decide(run: ActiveRun, payload: JsonObject): Promise<void> {
    const stepId = String(payload.stepId);
    const interruptId = run.approvals.get(stepId);
    if (interruptId === undefined || run.handle === undefined) {
      throw new OpenWorkflowError('NOT_FOUND', `no approval pending for step ${stepId}`);
    }
    await run.handle.resolveInterrupt(interruptId, {
      approved: payload.approved === true,
      ...(typeof payload.by === 'string' ? { by: payload.by } : {}),
      ...(typeof payload.comment === 'string' ? { comment: payload.comment } : {}),
    });
  }

  async #control(id: string, request: Request, act: (run: ActiveRun) => Promise<void>): Promise<void> {
    const run = this.#runs.get(String(request.runId));
    if (run === undefined) {
      this.#write({ id, type: 'error', code: 'UNKNOWN_RUN', message: `no run ${String(request.runId)}` });
      return;
    }
    await act(run);
    this.#write({ id, type: 'ack' });
  }

  async #run(id: string, request: Request): Promise<void> {
    const runId = String(request.runId);
    const options = (request.options ?? {}) as {
      clock?: { mode?: string; start?: string };
      network?: { allowOrigins?: string[] };
    };
    const virtual = options.clock?.mode === 'virtual';
    const clock = virtual
      ? new VirtualClock(Date.parse(options.clock?.start ?? '2000-01-01T00:00:00Z'))
      : undefined;
    const approvals = new Map<string, string>();
    const active: ActiveRun = {
      handle: undefined,
      clock,
      approvals,
    };
    this.#runs.set(runId, active);
    try {
      const loaded = loadSet(request.documents as ProtocolDocument[]);
      const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
      if (errors.length > 0) {
        const first = errors[0] as Diagnostic;
        const error = new OpenWorkflowError('VALIDATION', `${first.file ?? 'document'}: ${first.message}`, {
          details: { diagnostic_code: first.code, pointer: first.pointer },
        });
        this.#write({ id, type: 'result', result: rejected(runId, error) });
        return;
      }
      const name = String(request.workflow);
      const workflow = loaded.workflows.find((candidate) => candidate.name === name);
      if (workflow === undefined) {
        const error = new OpenWorkflowError('NOT_FOUND', `No workflow named ${name} in the documents`, {
          details: { workflow: name },
        });
        this.#write({ id, type: 'result', result: rejected(runId, error) });
        return;
      }
      const secretValues = (request.secrets ?? {}) as Record<string, string>;
      const openworkflow = new OpenWorkflow({
        isolated: true,
        observability: false,
        commands: false,
        environment: (request.env ?? {}) as Record<string, string>,
        secretsManager: {
          get: (secretName) =>
            Object.hasOwn(secretValues, secretName) ? secretValues[secretName] : undefined,
          list: () => Object.keys(secretValues),
        },
        egress: egressFor(options.network?.allowOrigins ?? []),
        // Agent steps run on the native agent loop; case documents choose the scripted model.
        agents: agentsFrom(loaded.agents),
        backends: [createNativeAgentBackend()],
        ...(clock === undefined ? {} : { clock, interceptors: [holdClock(clock)] }),
      });
      try {
        for (const connector of loaded.connectors) await openworkflow.registerConnector(connector);
        const handle = openworkflow.start(workflow, (request.inputs ?? {}) as JsonObject, {
          runId,
          siblings: loaded.workflows.filter((candidate) => candidate !== workflow),
        });
        active.handle = handle;
        for await (const event of handle.events()) {
          if (event.type === 'interrupt.requested' && event.stepId !== undefined) {
            approvals.set(event.stepId, String(event.data.interruptId));
          }
          this.#write({ id, type: 'event', event: toProtocolEvent(event) });
        }
        const result = await handle.result;
        clock?.stop();
        this.#write({ id, type: 'result', result: toProtocolResult(result) });
      } finally {
        await openworkflow.close();
      }
    } finally {
      clock?.stop();
      this.#runs.delete(runId);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the driver on this process's stdin and stdout until `shutdown` or end of input. */
export function runDriver(): void {
  const write: Writer = (message) => {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  };
  const driver = new ConformanceDriver(write, () => process.exit(0));
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    if (line.trim() !== '') void driver.handle(line);
  });
  lines.on('close', () => process.exit(0));
}
