import type { Agent, Connector, Workflow } from '@openworkflow/schemas';

type MaybePromise<T> = T | Promise<T>;

/** Finds the connector a step names (a full `connector:ns/name@version` id or a legacy slug). */
export type ConnectorResolver = (reference: string) => MaybePromise<Connector | undefined>;
/** Finds the agent a step names. */
export type AgentResolver = (reference: string) => MaybePromise<Agent | undefined>;
/** Finds a registered workflow by name or `workflow:` id (after the run's own file was searched). */
export type WorkflowResolver = (reference: string, version?: string) => MaybePromise<Workflow | undefined>;

function withoutVersion(reference: string): string {
  const at = reference.lastIndexOf('@');
  return at > reference.indexOf(':') ? reference.slice(0, at) : reference;
}

/**
 * A resolver over a fixed list of connectors. A reference matches a connector's full id, its id
 * without version, `namespace/name`, or the bare `name` (the legacy `plugin:` slug).
 *
 * @example
 * createEngine({ connectors: connectorsFrom([weather]) });
 */
export function connectorsFrom(connectors: Iterable<Connector>): ConnectorResolver {
  const byKey = new Map<string, Connector>();
  for (const connector of connectors) {
    for (const key of [
      connector.id,
      withoutVersion(connector.id),
      `${connector.namespace}/${connector.name}`,
      connector.name,
    ]) {
      if (!byKey.has(key)) byKey.set(key, connector);
    }
  }
  return (reference) => byKey.get(reference) ?? byKey.get(withoutVersion(reference));
}

/** A resolver over a fixed list of agents, by id (with or without version) or name. */
export function agentsFrom(agents: Iterable<Agent>): AgentResolver {
  const byKey = new Map<string, Agent>();
  for (const agent of agents) {
    const keys = [agent.name];
    if (agent.id !== undefined) keys.push(agent.id, withoutVersion(agent.id));
    if (agent.namespace !== undefined)
      keys.push(`agent:${agent.namespace}/${agent.name}`, `${agent.namespace}/${agent.name}`);
    for (const key of keys) if (!byKey.has(key)) byKey.set(key, agent);
  }
  return (reference) => byKey.get(reference) ?? byKey.get(withoutVersion(reference));
}

/** Finds a workflow in a list by name or id (with or without version). */
export function findWorkflow(workflows: readonly Workflow[], reference: string): Workflow | undefined {
  const bare = withoutVersion(reference);
  return workflows.find(
    (workflow) =>
      workflow.name === reference ||
      workflow.id === reference ||
      (workflow.id !== undefined && withoutVersion(workflow.id) === bare) ||
      workflow.name === bare,
  );
}

/** A resolver over a fixed list of registered workflows. */
export function workflowsFrom(workflows: readonly Workflow[]): WorkflowResolver {
  return (reference) => findWorkflow(workflows, reference);
}
