import type { IfStep, JsonValue, SwitchStep } from '@openworkflow/schemas';
import type { CancelScope } from './cancel-scope.js';
import { BLOCK_TRAITS } from './kind-traits.js';
import type { BlockResult } from './run-execution.js';
import type { StepKind } from './step-kinds.js';

/** A branch that failed or was canceled fails (or cancels) the step that holds it. */
export function raiseBlockFailure(block: BlockResult, scope: CancelScope): void {
  if (block.status === 'success') return;
  throw block.error ?? scope.error();
}

/** `if`: run `then` or `else`; output `{branch, conditionResult}`. */
export const ifKind: StepKind<IfStep> = {
  ...BLOCK_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const holds = exec.conditionIn(frame.scope, step.test, `${step.id}.condition`);
    const branch = holds ? step.then : step.else;
    const block = await exec.runBlock(branch, frame, call.childPrefix, call.scope, call.replay, call.cause);
    if (!call.replay) raiseBlockFailure(block, call.scope);
    return { branch: holds ? 'then' : 'else', conditionResult: holds };
  },
};

/** `switch`: run the case whose key equals `String(value)`, else `default`; output `{case, matchedValue}`. */
export const switchKind: StepKind<SwitchStep> = {
  ...BLOCK_TRAITS,

  async execute(exec, call) {
    const { step, frame } = call;
    const value = exec.renderIn(frame, step.value, `${step.id}.value`);
    const key = value === null || typeof value === 'object' ? undefined : String(value);
    const matched = key === undefined ? undefined : step.cases.find((candidate) => candidate.key === key);
    const steps = matched?.steps ?? step.default ?? [];
    const block = await exec.runBlock(steps, frame, call.childPrefix, call.scope, call.replay, call.cause);
    if (!call.replay) raiseBlockFailure(block, call.scope);
    return { case: matched?.key ?? 'default', matchedValue: value as JsonValue };
  },
};
