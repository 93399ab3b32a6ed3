/**
 * Runs the conformance suite's `agents` cases against this runtime in-process: a small `Target`
 * that loads each case's documents with the real loader and runs them on the real engine with the
 * native HTTP handler and the native agent backend — so the cases are known to pass here.
 */

import { fileURLToPath } from 'node:url';
import { createEgressGuard, createHttpHandler } from '@openworkflow/backend-native';
import {
  type BehaviourServer,
  BUILTIN_CASES_DIRECTORY,
  loadSuite,
  PROTOCOL_VERSION,
  type RunResult as ProtocolResult,
  type RunSink,
  runCase,
  startBehaviourServer,
  type Target,
  type TargetEvent,
} from '@openworkflow/conformance';
import {
  agentsFrom,
  connectorsFrom,
  createEngine,
  FakeClock,
  isRunEventType,
  type RunHandle,
  systemClock,
} from '@openworkflow/core';
import type { Agent, Connector, JsonObject, Workflow } from '@openworkflow/schemas';
import { formatDiagnostic, loadDocument } from '@openworkflow/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativeAgentBackend } from '../src/native-backend.js';

/** The event types of the driver protocol; the engine's others (agent.*, interrupts) are not sent. */
const PROTOCOL_TYPES = new Set([
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

function inProcessTarget(): Target {
  return {
    hello: {
      id: 'hello',
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      name: 'openworkflow-ts (in-process test target)',
      version: '0.1.0',
      profiles: ['agents'],
      capabilities: { virtualTime: true, cancel: true },
    },
    alive: true,
    async validate() {
      return { ok: false, kind: 'refused', message: 'validate is not supported by this test target' };
    },
    startRun(request, sink: RunSink) {
      const connectors: Connector[] = [];
      const agents: Agent[] = [];
      const workflows: Workflow[] = [];
      for (const document of request.documents) {
        const loaded = loadDocument(document.content, { file: document.name });
        if (!loaded.ok || loaded.value === undefined) {
          sink.failure('refused', loaded.diagnostics.map(formatDiagnostic).join('\n'));
          return { signal: async () => {}, cancel: async () => {}, advance: async () => {} };
        }
        const value = loaded.value;
        if (value.kind === 'connector') connectors.push(value.connector);
        else if (value.kind === 'agent') agents.push(value.agent);
        else if (value.kind === 'workflows') workflows.push(...value.workflows);
      }
      const virtual = request.options.clock.mode === 'virtual';
      const clock =
        request.options.clock.mode === 'virtual'
          ? new FakeClock(Date.parse(request.options.clock.start))
          : systemClock;
      const engine = createEngine({
        clock,
        connectors: connectorsFrom(connectors),
        agents: agentsFrom(agents),
        handlers: [createHttpHandler({ guard: createEgressGuard({ allowedAddresses: ['127.0.0.1'] }) })],
        backends: [createNativeAgentBackend()],
        environment: request.env,
        secrets: {
          resolve: async (names) =>
            Object.fromEntries(
              names.filter((n) => n in request.secrets).map((n) => [n, request.secrets[n]!]),
            ),
        },
      });
      const workflow = workflows.find((candidate) => candidate.name === request.workflow)!;
      const run: RunHandle = engine.start(workflow, request.inputs, {
        runId: request.runId,
        siblings: workflows,
      });
      void (async () => {
        let sequence = 0;
        for await (const event of run.events()) {
          if (!isRunEventType(event.type) || !PROTOCOL_TYPES.has(event.type)) continue;
          const sent: { -readonly [K in keyof TargetEvent]: TargetEvent[K] } = {
            sequence: sequence++,
            type: event.type,
            runId: event.runId,
            time: new Date(event.time).toISOString(),
            data: event.data,
          };
          if (event.stepId !== undefined) sent.stepId = event.stepId;
          if (event.attempt !== undefined) sent.attempt = event.attempt;
          sink.event(sent);
        }
        const result = await run.result;
        const steps: Record<string, ProtocolResult['steps'][string]> = {};
        for (const [id, record] of Object.entries(result.steps)) {
          steps[id] = {
            status: record.status,
            output: record.output,
            attempts: record.attempts,
            ...(record.error === undefined
              ? {}
              : { error: record.error as unknown as { code: string; message: string; details: JsonObject } }),
          };
        }
        sink.result({
          runId: result.runId,
          status: result.status,
          outputs: result.outputs,
          steps,
          ...(result.error === undefined
            ? {}
            : { error: result.error as unknown as { code: string; message: string } }),
        });
      })();
      if (virtual) {
        // No case of this profile does I/O under a virtual clock: advancing whenever idle is exact.
        void (async () => {
          let done = false;
          run.result.then(
            () => (done = true),
            () => (done = true),
          );
          while (!done) await (clock as FakeClock).runUntilIdle({ external: false });
        })();
      }
      return {
        signal: async (name, payload) => run.signal(name, payload),
        cancel: async (reason) => void (await run.cancel(reason)),
        advance: async (ms) => (clock as FakeClock).advance(ms),
      };
    },
    stderrCursor: () => 0,
    stderrSince: () => [],
    close: async () => {},
  };
}

const suite = loadSuite([fileURLToPath(BUILTIN_CASES_DIRECTORY)]);
const cases = suite.cases.filter((testCase) => testCase.profile === 'agents');

let server: BehaviourServer;
beforeAll(async () => {
  server = await startBehaviourServer();
});
afterAll(async () => {
  await server.close();
});

describe('conformance: agents profile, in-process', () => {
  it('has agent cases and an agents profile implying core', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(suite.profiles.get('agents')?.implies).toContain('core');
  });

  let counter = 1;
  const random = {
    next: () => counter++,
    hex: (length: number) => (counter++).toString(16).padStart(length, '0').slice(-length),
    shuffle: <T>(items: readonly T[]) => [...items],
  };

  for (const testCase of cases) {
    it(`${testCase.requirement} ${testCase.id}`, async () => {
      const outcome = await runCase(testCase, {
        target: inProcessTarget(),
        server,
        random,
        timeoutScale: 1,
        sendParsed: false,
      });
      const failed = outcome.assertions.filter((assertion) => !assertion.ok);
      expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
      expect(outcome.assertions.some((assertion) => assertion.counted)).toBe(true);
    });
  }
});
