import type { InputDefinition, JsonValue, Step, Workflow } from '@openworkflow/schemas';
import { childStepLists } from '@openworkflow/schemas';

/** What a workflow refers to, found by walking its steps (nothing is evaluated). */
export interface WorkflowReferences {
  readonly connectors: readonly string[];
  readonly agents: readonly string[];
  readonly workflows: readonly string[];
}

/** Calls `visit` on every step of a list and of every nested list, depth first. */
export function walkSteps(
  steps: readonly Step[],
  visit: (step: Step, depth: number) => void,
  depth = 0,
): void {
  for (const step of steps) {
    visit(step, depth);
    for (const child of childStepLists(step)) walkSteps(child.steps, visit, depth + 1);
  }
}

/** The connectors, agents and sub-workflows a workflow's steps name, sorted, each once. */
export function collectReferences(workflow: Workflow): WorkflowReferences {
  const connectors = new Set<string>();
  const agents = new Set<string>();
  const workflows = new Set<string>();
  walkSteps(workflow.steps, (step) => {
    if (step.type === 'action') connectors.add(step.connector);
    else if (step.type === 'agent') agents.add(step.agent);
    else if (step.type === 'workflow') workflows.add(step.workflow);
    else if (step.type === 'handoff') {
      if (step.agent !== undefined) agents.add(step.agent);
      for (const choice of step.selectAgent ?? []) agents.add(choice.agent);
    }
  });
  return { connectors: [...connectors].sort(), agents: [...agents].sort(), workflows: [...workflows].sort() };
}

/** An input as indexes show it: no default values (they may hold anything). */
export interface InputSummary {
  readonly name: string;
  readonly type?: string;
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly description?: string;
}

/** Summaries of a workflow's inputs, in declaration order. */
export function summarizeInputs(inputs: Readonly<Record<string, InputDefinition>>): InputSummary[] {
  return Object.entries(inputs).map(([name, input]) => ({
    name,
    ...(input.type === undefined ? {} : { type: input.type }),
    required: input.required,
    hasDefault: input.default !== undefined,
    ...(input.description === undefined ? {} : { description: input.description }),
  }));
}

/** `name: type` with `?` for optional and `= …` for defaulted inputs, for one-line summaries. */
export function formatInputSummary(input: InputSummary): string {
  const type = input.type ?? 'any';
  return `${input.name}${input.required ? '' : '?'}: ${type}`;
}

/** A short JSON rendering of a value for human output. */
export function renderValue(value: JsonValue | undefined, max: number): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value) ?? '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A one-line description of what a step does. */
export function describeStep(step: Step): string {
  switch (step.type) {
    case 'action':
      return `${step.connector} ${step.action}`;
    case 'agent':
      return `agent ${step.agent}`;
    case 'workflow':
      return `workflow ${step.workflow}${step.version === undefined ? '' : `@${step.version}`}`;
    case 'if':
      return `if ${step.test}`;
    case 'switch':
      return `switch on ${JSON.stringify(step.value)}`;
    case 'forEach':
      return `for each of ${JSON.stringify(step.items)}${step.maxConcurrency === undefined ? '' : ` (max ${step.maxConcurrency} at once)`}`;
    case 'parallel':
      return `parallel, join ${step.join.type === 'count' ? `${step.join.count}` : step.join.type}`;
    case 'parallel-group':
      return 'parallel group';
    case 'wait':
      return step.wait.kind === 'duration'
        ? `wait ${step.wait.durationMs} ms`
        : step.wait.kind === 'time'
          ? `wait until ${JSON.stringify(step.wait.time)}`
          : `wait for event ${step.wait.event}`;
    case 'try':
      return 'try';
    case 'transform':
      return `transform (${step.language})`;
    case 'handoff':
      return `handoff${step.agent === undefined ? '' : ` to ${step.agent}`}`;
    case 'approval':
      return `approval by ${step.approvers.join(', ') || 'anyone'}`;
  }
}
