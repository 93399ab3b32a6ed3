import type { Step, Workflow } from '@openworkflow/schemas';
import { canonicalBackendName } from './backend.js';
import { type ErrorCode, missingExecutorError, OpenWorkflowError } from './errors.js';
import { planBlock } from './planner.js';
import { findWorkflow } from './resolvers.js';
import { childBlocks, type ExecutionServices } from './run-execution.js';
import { checkCondition } from './templating.js';
import { BUILT_IN_TRANSFORMS } from './transform-languages.js';

/** One problem `validate()` found. Warnings do not make a workflow invalid. */
export interface ValidationIssue {
  readonly severity: 'error' | 'warning';
  readonly code: ErrorCode;
  readonly message: string;
  readonly stepId?: string;
  /** JSON pointer into the source document. */
  readonly pointer?: string;
}

export interface ValidationReport {
  readonly valid: boolean;
  readonly issues: readonly ValidationIssue[];
}

/** The engine-side checks of spec/execution.md, "Validation": what the loader cannot know. */
export async function validateWorkflow(
  services: ExecutionServices,
  workflow: Workflow,
  siblings: readonly Workflow[],
): Promise<ValidationReport> {
  const issues: ValidationIssue[] = [];
  const add = (severity: ValidationIssue['severity'], code: ErrorCode, message: string, step?: Step) => {
    const issue: { -readonly [K in keyof ValidationIssue]: ValidationIssue[K] } = { severity, code, message };
    if (step !== undefined) {
      issue.stepId = step.id;
      issue.pointer = step.source.pointer;
    }
    issues.push(issue);
  };
  const backend = (name: string, capability: 'action' | 'agent' | 'workflow', step: Step) => {
    const canonical = canonicalBackendName(name);
    if (canonical === 'native' && capability !== 'agent') return;
    try {
      services.backends.require(canonical, capability);
    } catch (error) {
      add('error', 'UNAVAILABLE', (error as Error).message, step);
    }
  };
  const visited = new Set<Workflow>();

  const visitWorkflow = async (current: Workflow, depth: number): Promise<void> => {
    if (visited.has(current)) return;
    visited.add(current);
    await visitBlock(current, current.steps, depth);
  };

  const visitBlock = async (current: Workflow, steps: readonly Step[], depth: number): Promise<void> => {
    try {
      planBlock(steps, current.strategy);
    } catch (error) {
      if (OpenWorkflowError.is(error)) add('error', 'VALIDATION', error.message);
      else throw error;
    }
    for (const step of steps) {
      await visitStep(current, step, depth);
      for (const block of childBlocks(step)) await visitBlock(current, block, depth);
    }
  };

  const visitStep = async (current: Workflow, step: Step, depth: number): Promise<void> => {
    for (const [where, condition] of conditionsOf(step)) {
      const problem = checkCondition(condition, `${step.id}.${where}`);
      if (problem !== undefined) add('error', 'VALIDATION', problem.message, step);
    }
    switch (step.type) {
      case 'action': {
        const connector = await services.connectors?.(step.connector);
        if (connector === undefined) {
          add('error', 'UNAVAILABLE', `Connector '${step.connector}' is not available`, step);
          break;
        }
        const action = connector.actions.find((candidate) => candidate.name === step.action);
        if (action === undefined) {
          add('error', 'VALIDATION', `Connector '${connector.id}' has no action '${step.action}'`, step);
          break;
        }
        const name = canonicalBackendName(
          step.backend ?? current.backend ?? services.defaults.backend ?? 'native',
        );
        if (name !== 'native') backend(name, 'action', step);
        else if (!services.handlers.has(action.handler.type)) {
          add('error', 'UNAVAILABLE', missingExecutorError(action.handler.type, connector.id).message, step);
        }
        break;
      }
      case 'agent':
      case 'handoff': {
        const references =
          step.type === 'agent'
            ? [step.agent]
            : [
                ...(step.agent === undefined ? [] : [step.agent]),
                ...(step.selectAgent ?? []).map((choice) => choice.agent),
              ];
        for (const reference of references) {
          const agent = await services.agents?.(reference);
          if (agent === undefined) add('error', 'UNAVAILABLE', `Agent '${reference}' is not available`, step);
          else backend(step.backend ?? agent.execution.backend ?? current.backend ?? 'native', 'agent', step);
        }
        break;
      }
      case 'workflow': {
        const child =
          findWorkflow([current, ...siblings], step.workflow) ??
          (await services.workflows?.(step.workflow, step.version));
        if (child === undefined) {
          add('error', 'UNAVAILABLE', `Workflow '${step.workflow}' is not available`, step);
          break;
        }
        if (step.backend !== undefined) backend(step.backend, 'workflow', step);
        if (depth + 1 > services.limits.maxSubworkflowDepth) {
          add('error', 'VALIDATION', 'Subworkflow nesting exceeds the maximum depth', step);
        } else {
          await visitWorkflow(child, depth + 1);
        }
        break;
      }
      case 'transform': {
        if (step.language === 'template') break;
        const plugin = services.transforms[step.language] ?? BUILT_IN_TRANSFORMS[step.language];
        if (plugin === undefined) {
          add('error', 'UNAVAILABLE', `Transform language '${step.language}' is not available`, step);
          break;
        }
        const problem = await plugin.check?.(step.expression);
        if (problem !== undefined)
          add('error', 'VALIDATION', `Invalid ${step.language} expression: ${problem}`, step);
        break;
      }
      case 'wait':
        if (step.wait.kind === 'event' && step.wait.timeoutMs === undefined) {
          add('warning', 'VALIDATION', `Wait '${step.id}' for an event has no timeout`, step);
        }
        break;
      default:
        break;
    }
  };

  await visitWorkflow(workflow, 0);
  return { valid: !issues.some((issue) => issue.severity === 'error'), issues };
}

function conditionsOf(step: Step): [string, string][] {
  const out: [string, string][] = [];
  if (step.condition !== undefined && step.type !== 'if') out.push(['condition', step.condition]);
  if (step.type === 'if') out.push(['condition', step.test]);
  if (step.type === 'handoff') {
    for (const choice of step.selectAgent ?? [])
      if (choice.condition !== undefined) out.push(['selectAgent', choice.condition]);
  }
  return out;
}
