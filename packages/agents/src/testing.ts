/**
 * `@openworkflow/agents/testing`: what agent tests need, for this repository's backends and for
 * yours — loading agent, connector and workflow documents in one call (diagnostics become one
 * thrown error), a GitHub-like function connector with recorded tool calls, and an engine on a
 * fake clock wired to them. Not loaded by `@openworkflow/agents` itself.
 *
 * @example
 * import { agentOf, agentWorkflow, createAgentEngine } from '@openworkflow/agents/testing';
 * const { engine, calls } = createAgentEngine({ agents: [agentOf(doc)], backends: [createNativeAgentBackend()] });
 * const result = await engine.start(agentWorkflow('agent:test/triage@1.0.0'), {}).result;
 */
import { createFunctionHandler, HandlerRegistry } from '@openworkflow/backend-native';
import {
  agentsFrom,
  type Backend,
  connectorsFrom,
  createEngine,
  type EngineOptions,
  FakeClock,
  type RunEvent,
  type RunHandle,
  sequentialIds,
} from '@openworkflow/core';
import type { Agent, Connector, JsonObject, JsonValue, Workflow } from '@openworkflow/schemas';
import { formatDiagnostic, loadAgent, loadConnector, loadWorkflows } from '@openworkflow/schemas';

function ok<T>(result: {
  ok: boolean;
  value?: T;
  diagnostics: readonly Parameters<typeof formatDiagnostic>[0][];
}): T {
  if (!result.ok || result.value === undefined) {
    throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  }
  return result.value;
}

export const agentOf = (text: string | object): Agent => ok(loadAgent(text));
export const connectorOf = (text: string | object): Connector => ok(loadConnector(text));
export const workflowOf = (text: string | object): Workflow => ok(loadWorkflows(text))[0]!;

/** A function connector `connector:test/github@1.0.0` with `get_issue`, `add_label`, `close_issue`. */
export const GITHUB = `
connector:
  type: connector
  kind: sdk
  name: github
  namespace: test
  version: 1.0.0
  displayName: GitHub (test)
  description: Issue tools for tests
actions:
  - name: get_issue
    description: Reads an issue
    input:
      type: object
      properties: { number: { type: integer } }
      required: [number]
    handler: { function: github.get_issue }
  - name: add_label
    description: Labels an issue
    input:
      type: object
      properties: { number: { type: integer }, label: { type: string } }
      required: [number, label]
    handler: { function: github.add_label }
  - name: close_issue
    description: Closes an issue
    input:
      type: object
      properties: { number: { type: integer } }
      required: [number]
    handler: { function: github.close_issue }
`;

/** A one-step workflow that runs `agent` with `input` and returns its output. */
export function agentWorkflow(agent: string, input: JsonObject = { issue: 7 }, extra = ''): Workflow {
  return workflowOf(`
name: triage
steps:
  - id: think
    type: agent
    agent: ${agent}
    input: ${JSON.stringify(input)}
${extra}
outputs:
  answer: { value: "{{ steps.think.output }}" }
`);
}

export interface ToolCallRecord {
  readonly name: string;
  readonly input: JsonObject;
  readonly idempotencyKey: string;
  /** The handler context's `canceled` when the tool ran. */
  readonly canceled: boolean | undefined;
}

/** An engine on a fake clock with the GitHub test connector's functions and the given backends. */
export function createAgentEngine(options: {
  readonly agents: readonly Agent[];
  readonly backends: readonly Backend[];
  readonly connectors?: readonly Connector[];
  readonly engine?: Partial<EngineOptions>;
}) {
  const calls: ToolCallRecord[] = [];
  const registry = new HandlerRegistry();
  const record = (name: string, value: (input: JsonObject) => JsonValue) =>
    registry.register(name, async (input, context) => {
      calls.push({ name, input, idempotencyKey: context.idempotencyKey, canceled: context.canceled });
      return value(input);
    });
  record('github.get_issue', (input) => ({
    number: input.number ?? 0,
    title: 'Crash on start',
    body: 'Stack trace…',
  }));
  record('github.add_label', (input) => ({ labeled: input.label ?? null }));
  record('github.close_issue', () => ({ closed: true }));
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const engine = createEngine({
    clock,
    idGenerator: sequentialIds('id'),
    agents: agentsFrom(options.agents),
    connectors: connectorsFrom([connectorOf(GITHUB), ...(options.connectors ?? [])]),
    handlers: [createFunctionHandler({ registry })],
    backends: options.backends,
    ...options.engine,
  });
  return { engine, clock, calls };
}

/** Every event of a finished run. */
export async function eventsOf(run: RunHandle): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of run.events()) events.push(event);
  return events;
}
