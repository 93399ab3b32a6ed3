/**
 * Runs the data-driven cases in `test/cases/*.yaml` (digest §21 E, F, H, I–O and the engine side
 * of P, S, X). Each case is an authoring document plus behaviours and expectations; time is a
 * fake clock, so waits and backoff are exact and instant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonObject, JsonValue, Workflow } from '@openworkflow/schemas';
import { formatDiagnostic, loadWorkflows } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ApprovalRequest } from '../src/engine-options.js';
import type { RunEvent } from '../src/events.js';
import { interruptIdFor } from '../src/kind-wait.js';
import { type Behaviour, createHarness, scriptedBackend, testAgent } from './support/harness.js';
import { expectWellFormedLog } from './support/log-invariants.js';

interface ScriptEntry {
  readonly at: number;
  readonly signal?: string;
  readonly payload?: JsonValue;
  readonly cancel?: string;
  readonly resolve?: {
    readonly path: string;
    readonly approved: boolean;
    readonly by?: string;
    readonly comment?: string;
  };
  readonly expectError?: string;
}

interface CaseExpect {
  readonly status?: string;
  readonly error?: JsonObject;
  readonly errorHasDetail?: readonly string[];
  readonly outputs?: JsonObject;
  readonly outputsExact?: JsonObject;
  readonly steps?: Record<string, JsonObject>;
  readonly absentSteps?: readonly string[];
  readonly calls?: Record<string, number>;
  readonly callTimes?: Record<string, number[]>;
  readonly maxConcurrent?: number;
  readonly elapsedMs?: number;
  readonly eventTypes?: readonly string[];
  readonly noEventTypes?: readonly string[];
  readonly eventPaths?: readonly string[];
  readonly aborted?: readonly string[];
  readonly sameIdempotencyKey?: readonly string[];
  readonly backendCalls?: Record<string, number>;
  readonly backendRequest?: Record<string, JsonObject>;
  readonly backendContext?: Record<string, JsonObject>;
  readonly lastEvent?: JsonObject;
  readonly approvalsRequested?: number;
}

interface Case {
  readonly id: string;
  readonly title: string;
  readonly workflow?: JsonObject;
  readonly workflows?: JsonObject[];
  readonly inputs?: JsonObject;
  readonly behaviours?: Record<string, Behaviour>;
  readonly actions?: Record<string, JsonObject>;
  readonly agents?: { id: string; backend?: string }[];
  readonly backends?: { name: string; responses?: JsonObject; failWith?: string }[];
  readonly engine?: JsonObject;
  readonly secrets?: Record<string, string>;
  readonly environment?: Record<string, string>;
  readonly script?: ScriptEntry[];
  readonly expect?: CaseExpect;
  readonly validate?: { readonly valid: boolean; readonly codes?: string[]; readonly warnings?: number };
}

const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));
const files = readdirSync(casesDir).filter((file) => file.endsWith('.yaml'));

function isSubsequence(wanted: readonly string[], actual: readonly string[]): boolean {
  let position = 0;
  for (const type of actual) if (type === wanted[position]) position++;
  return position === wanted.length;
}

async function runCase(testCase: Case): Promise<void> {
  const documents = testCase.workflows ?? [testCase.workflow!];
  // Every case goes through the real loader first, exactly as the SDK loads a file.
  const loaded = loadWorkflows({ workflows: documents });
  const loadErrors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!loaded.ok || loaded.value === undefined || loadErrors.length > 0) {
    // A document the loader rejects is invalid before any engine sees it: only validation cases may.
    const report = loaded.diagnostics.map(formatDiagnostic).join('\n');
    expect(testCase.validate?.valid, report).toBe(false);
    expect(testCase.expect, report).toBeUndefined();
    return;
  }
  const workflows: Workflow[] = [...loaded.value];
  const [main, ...siblings] = workflows;
  const backends = (testCase.backends ?? []).map((spec) =>
    scriptedBackend(
      spec.name,
      spec.responses ?? {},
      spec.failWith === undefined ? {} : { failWith: spec.failWith },
    ),
  );
  const approvals: ApprovalRequest[] = [];
  const secrets = testCase.secrets;
  const harness = createHarness({
    behaviours: testCase.behaviours ?? {},
    actions: testCase.actions ?? {},
    agents: (testCase.agents ?? []).map((agent) => testAgent(agent.id, agent.backend)),
    backends,
    workflows,
    engine: {
      ...(testCase.engine as object),
      environment: testCase.environment ?? {},
      approvals: { requested: (request) => void approvals.push(request) },
      ...(secrets === undefined
        ? {}
        : {
            secrets: {
              resolve: async (names) =>
                Object.fromEntries(names.filter((n) => n in secrets).map((n) => [n, secrets[n]!])),
            },
          }),
    },
  });
  const { engine, clock, recorder } = harness;

  if (testCase.validate !== undefined) {
    const report = await engine.validate(main!, { siblings });
    expect(report.valid, JSON.stringify(report.issues)).toBe(testCase.validate.valid);
    for (const code of testCase.validate.codes ?? []) {
      expect(report.issues.map((issue) => issue.code)).toContain(code);
    }
    if (testCase.validate.warnings !== undefined) {
      expect(report.issues.filter((issue) => issue.severity === 'warning')).toHaveLength(
        testCase.validate.warnings,
      );
    }
  }
  const wanted = testCase.expect;
  if (wanted === undefined) return;

  const started = clock.now();
  const run = engine.start(main!, testCase.inputs ?? {}, { siblings });
  for (const entry of [...(testCase.script ?? [])].sort((a, b) => a.at - b.at)) {
    await clock.advance(started + entry.at - clock.now());
    let action: Promise<unknown> = Promise.resolve();
    if (entry.signal !== undefined) action = run.signal(entry.signal, entry.payload ?? null);
    if (entry.cancel !== undefined) action = run.cancel(entry.cancel);
    if (entry.resolve !== undefined) {
      const { path, ...decision } = entry.resolve;
      action = run.resolveInterrupt(interruptIdFor({ runId: run.id } as never, path), decision);
    }
    if (entry.expectError === undefined) await action;
    else await expect(action).rejects.toMatchObject({ code: entry.expectError });
  }
  await clock.runUntilIdle();
  const result = await run.result;
  const events: RunEvent[] = [];
  for await (const event of run.events()) events.push(event);

  // Invariants of every run (spec/events.md, "Ordering guarantees").
  const terminal = expectWellFormedLog(events);
  expect(events.every((event) => event.correlation_id === run.id)).toBe(true);

  if (wanted.status !== undefined) expect(result.status, JSON.stringify(result.error)).toBe(wanted.status);
  if (wanted.error !== undefined) expect(result.error).toMatchObject(wanted.error);
  for (const key of wanted.errorHasDetail ?? []) expect(result.error?.details).toHaveProperty(key);
  if (wanted.outputs !== undefined) expect(result.outputs).toMatchObject(wanted.outputs);
  if (wanted.outputsExact !== undefined) expect(result.outputs).toEqual(wanted.outputsExact);
  for (const [id, record] of Object.entries(wanted.steps ?? {})) {
    expect(result.steps[id], `step ${id}`).toMatchObject(record);
  }
  for (const id of wanted.absentSteps ?? []) expect(result.steps).not.toHaveProperty(id);
  for (const [action, count] of Object.entries(wanted.calls ?? {}))
    expect(recorder.count(action), action).toBe(count);
  for (const [action, times] of Object.entries(wanted.callTimes ?? {})) {
    const seen = recorder.calls.filter((call) => call.action === action).map((call) => call.time - started);
    expect(seen, action).toEqual(times);
  }
  if (wanted.maxConcurrent !== undefined) expect(recorder.maxConcurrent).toBe(wanted.maxConcurrent);
  if (wanted.elapsedMs !== undefined) {
    const end = terminal.time;
    expect(end - started).toBe(wanted.elapsedMs);
  }
  const types = events.map((event) => event.type);
  if (wanted.eventTypes !== undefined)
    expect(isSubsequence(wanted.eventTypes, types), types.join(' ')).toBe(true);
  for (const type of wanted.noEventTypes ?? []) expect(types).not.toContain(type);
  const paths = new Set(events.map((event) => event.path));
  for (const path of wanted.eventPaths ?? []) expect([...paths]).toContain(path);
  for (const action of wanted.aborted ?? []) {
    expect(
      recorder.calls.some((call) => call.action === action && call.aborted),
      `${action} aborted`,
    ).toBe(true);
  }
  for (const action of wanted.sameIdempotencyKey ?? []) {
    const keys = new Set(
      recorder.calls.filter((call) => call.action === action).map((call) => call.idempotencyKey),
    );
    expect(keys.size).toBe(1);
  }
  for (const [name, count] of Object.entries(wanted.backendCalls ?? {})) {
    expect(backends.find((backend) => backend.name === name)?.calls.length ?? 0, name).toBe(count);
  }
  for (const [name, request] of Object.entries(wanted.backendRequest ?? {})) {
    expect(backends.find((backend) => backend.name === name)?.calls[0]?.request).toMatchObject(request);
  }
  for (const [name, context] of Object.entries(wanted.backendContext ?? {})) {
    const call = backends.find((backend) => backend.name === name)?.calls[0];
    expect(call).toBeDefined();
    const { hasDeadline, ...rest } = context;
    expect(call).toMatchObject({ ...rest, runId: run.id, traceId: run.id });
    if (hasDeadline === true) expect(typeof call?.deadline).toBe('number');
  }
  if (wanted.lastEvent !== undefined) expect(events.at(-1)).toMatchObject(wanted.lastEvent);
  if (wanted.approvalsRequested !== undefined) expect(approvals).toHaveLength(wanted.approvalsRequested);
}

for (const file of files) {
  const { cases } = parse(readFileSync(`${casesDir}${file}`, 'utf8')) as { cases: Case[] };
  describe(file, () => {
    for (const testCase of cases) {
      it(`${testCase.id}: ${testCase.title}`, () => runCase(testCase));
    }
  });
}
