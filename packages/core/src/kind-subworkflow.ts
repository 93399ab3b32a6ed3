import type { JsonObject, SubworkflowStep, Workflow } from '@openworkflow/schemas';
import { type Backend, canonicalBackendName } from './backend.js';
import { OpenWorkflowError, toOpenWorkflowError } from './errors.js';
import { Frame } from './frame.js';
import { resolveInputs } from './inputs.js';
import { BLOCK_TRAITS } from './kind-traits.js';
import { findWorkflow } from './resolvers.js';
import type { StepKind } from './step-kinds.js';

interface PreparedSubworkflow {
  readonly child: Workflow;
  readonly inputs: JsonObject;
  readonly backendName: string;
  readonly backend?: Backend;
}

/**
 * A subworkflow step: the child workflow runs inline in the same run and event log (its steps
 * under this step's path, in a scope of its own), or on the step's backend when it names one.
 * The child's outputs become the step output (`steps.X.outputs` and `steps.X.output`); a child
 * failure is the step's failure; nesting deeper than `limits.maxSubworkflowDepth` is `VALIDATION`.
 */
export const subworkflowKind: StepKind<SubworkflowStep> = {
  ...BLOCK_TRAITS,

  async prepare(exec, step, frame): Promise<PreparedSubworkflow> {
    const child =
      findWorkflow([exec.workflow, ...exec.siblings], step.workflow) ??
      (await exec.services.workflows?.(step.workflow, step.version));
    if (child === undefined) {
      throw new OpenWorkflowError('UNAVAILABLE', `Workflow '${step.workflow}' is not available`, {
        details: {
          workflow: step.workflow,
          step_id: step.id,
          suggestion: 'Define it in the same file or register it',
        },
      });
    }
    const depth = frame.context.depth + 1;
    if (depth > exec.services.limits.maxSubworkflowDepth) {
      throw new OpenWorkflowError(
        'VALIDATION',
        `Subworkflow nesting exceeds ${exec.services.limits.maxSubworkflowDepth} levels`,
        {
          details: {
            field: `${step.id}.workflow`,
            constraint: 'maxDepth',
            limit: exec.services.limits.maxSubworkflowDepth,
          },
        },
      );
    }
    const rendered = exec.renderIn(frame, step.input as JsonObject, `${step.id}.input`) as JsonObject;
    const inputs = resolveInputs(child.inputs, rendered);
    const backendName = canonicalBackendName(step.backend ?? 'native');
    if (backendName === 'native') return { child, inputs, backendName };
    return { child, inputs, backendName, backend: exec.services.backends.require(backendName, 'workflow') };
  },

  async execute(exec, call) {
    const { step } = call;
    const prepared = call.prepared as PreparedSubworkflow | undefined;
    if (call.replay && prepared === undefined) {
      // Replaying: resolve again without side effects, only to walk the child's steps.
      let again: PreparedSubworkflow;
      try {
        again = (await subworkflowKind.prepare!(exec, step, call.frame)) as PreparedSubworkflow;
      } catch {
        return null;
      }
      if (again.backend !== undefined) return null;
      return runChild(exec, call, again);
    }
    if (prepared!.backend !== undefined) {
      try {
        return await prepared!.backend.execute(
          { kind: 'workflow', workflow: prepared!.child, inputs: prepared!.inputs },
          exec.backendContext(call, prepared!.backendName),
        );
      } catch (thrown) {
        throw toOpenWorkflowError(thrown, 'BACKEND_ERROR', {
          backend: prepared!.backendName,
          workflow: step.workflow,
        });
      }
    }
    return runChild(exec, call, prepared!);
  },
};

async function runChild(
  exec: Parameters<NonNullable<StepKind['execute']>>[0],
  call: Parameters<NonNullable<StepKind['execute']>>[1],
  prepared: PreparedSubworkflow,
): Promise<JsonObject | null> {
  const depth = call.frame.context.depth + 1;
  const frame = new Frame(
    { workflow: prepared.child, depth },
    exec.rootScope(prepared.inputs, {}, prepared.child),
  );
  const block = await exec.runBlock(
    prepared.child.steps,
    frame,
    call.childPrefix,
    call.scope,
    call.replay,
    call.cause,
  );
  if (call.replay) return null;
  if (block.status === 'canceled' || call.scope.aborted) throw block.error ?? call.scope.error();
  if (block.status === 'failed') throw block.error!;
  return exec.evaluateOutputs(prepared.child, frame);
}
