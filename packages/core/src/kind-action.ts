import type { Action, ActionStep, Connector, JsonObject, JsonValue } from '@openworkflow/schemas';
import { type Backend, canonicalBackendName } from './backend.js';
import { missingExecutorError, OpenWorkflowError, toOpenWorkflowError } from './errors.js';
import type { Frame } from './frame.js';
import type { HandlerExecutor } from './handler.js';
import { WORK_TRAITS } from './kind-traits.js';
import type { RunExecution } from './run-execution.js';
import { checkActionInput, validateOutput } from './step-helpers.js';
import type { StepKind } from './step-kinds.js';

/** A handler failure as a taxonomy error (its own code kept, else `BACKEND_ERROR`). */
function failedError(thrown: unknown, prepared: PreparedAction, connectorId: string, actionName: string) {
  return toOpenWorkflowError(thrown, 'BACKEND_ERROR', {
    backend: prepared.backendName,
    connector: connectorId,
    action: actionName,
    ...(thrown instanceof Error ? { original_error: thrown.message } : {}),
  });
}

/** What an action step resolves to once per run: connector, action and where it runs. */
interface ActionTarget {
  readonly connector: Connector;
  readonly action: Action;
  readonly backendName: string;
  readonly executor?: HandlerExecutor;
  readonly backend?: Backend;
  readonly dryRun: boolean;
}

function resolveTarget(
  exec: RunExecution,
  step: ActionStep,
  frame: Frame,
): ActionTarget | Promise<ActionTarget> {
  const connector = exec.connector(step.connector);
  return connector instanceof Promise
    ? connector.then((resolved) => targetOf(exec, step, frame, resolved))
    : targetOf(exec, step, frame, connector);
}

function targetOf(
  exec: RunExecution,
  step: ActionStep,
  frame: Frame,
  connector: Connector | undefined,
): ActionTarget {
  if (connector === undefined) {
    throw new OpenWorkflowError('UNAVAILABLE', `Connector '${step.connector}' is not available`, {
      details: {
        connector: step.connector,
        step_id: step.id,
        suggestion: 'Register or install the connector before running the workflow',
      },
    });
  }
  const action = connector.actions.find((candidate) => candidate.name === step.action);
  if (action === undefined) {
    throw new OpenWorkflowError('VALIDATION', `Connector '${connector.id}' has no action '${step.action}'`, {
      details: { field: `${step.id}.action`, constraint: 'exists', connector: connector.id },
    });
  }
  const backendName = canonicalBackendName(
    step.backend ?? frame.context.workflow.backend ?? exec.services.defaults.backend ?? 'native',
  );
  if (exec.dryRun) return { connector, action, backendName, dryRun: true };
  if (backendName !== 'native') {
    return {
      connector,
      action,
      backendName,
      dryRun: false,
      backend: exec.services.backends.require(backendName, 'action'),
    };
  }
  const executor = exec.services.handlers.get(action.handler.type);
  if (executor === undefined) {
    throw missingExecutorError(action.handler.type, connector.id);
  }
  return { connector, action, backendName, dryRun: false, executor };
}

/** Renders, defaults and validates one instance's input (loop iterations differ; the target does not). */
function forInstance(
  exec: RunExecution,
  step: ActionStep,
  frame: Frame,
  target: ActionTarget,
): PreparedAction {
  const { connector, action } = target;
  const rendered = exec.renderIn(frame, step.input as JsonObject, `${step.id}.input`) as JsonObject;
  const input = checkActionInput(connector, action, rendered, { step_id: step.id });
  const prepared: { -readonly [K in keyof PreparedAction]: PreparedAction[K] } = {
    connector,
    action,
    input,
    backendName: target.backendName,
  };
  if (target.dryRun) {
    const mocked = frame.context.workflow.testing?.dryRun?.mockData;
    const byAction = mocked?.[connector.id] ?? mocked?.[step.connector];
    prepared.mock = {
      output: byAction !== undefined && Object.hasOwn(byAction, action.name) ? byAction[action.name]! : null,
    };
  }
  if (target.executor !== undefined) prepared.executor = target.executor;
  if (target.backend !== undefined) prepared.backend = target.backend;
  return prepared;
}

interface PreparedAction {
  readonly connector: Connector;
  readonly action: Action;
  readonly input: JsonObject;
  readonly backendName: string;
  readonly executor?: HandlerExecutor;
  readonly backend?: Backend;
  /** Dry run: the mocked output (handlers are never called). */
  readonly mock?: { readonly output: JsonValue };
}

/**
 * A connector action: resolve connector and action, render the input, apply the action's input
 * schema defaults and validate, then run it on the handler executor of its handler type (or on
 * the step's backend). All of that happens once; only the handler call is retried.
 */
export const actionKind: StepKind<ActionStep> = {
  ...WORK_TRAITS,

  prepare(exec, step, frame): PreparedAction | Promise<PreparedAction> {
    let target = exec.memo.get(step) as ActionTarget | Promise<ActionTarget> | undefined;
    if (target === undefined) {
      target = resolveTarget(exec, step, frame);
      exec.memo.set(step, target);
    }
    return target instanceof Promise
      ? target.then((resolved) => forInstance(exec, step, frame, resolved))
      : forInstance(exec, step, frame, target);
  },

  attemptLimitMs(_exec, _step, prepared) {
    const { connector, action } = prepared as PreparedAction;
    const handler = action.handler as { readonly timeoutMs?: number };
    return handler.timeoutMs === undefined
      ? connector.runtime.timeoutMs
      : Math.min(handler.timeoutMs, connector.runtime.timeoutMs);
  },

  // Not `async`, and no `.then` of its own: `settle` and `fail` run in the attempt's callbacks, so
  // the engine's hottest path makes one promise per handler call (the handler's).
  execute(exec, call) {
    const prepared = call.prepared as PreparedAction;
    if (prepared.mock !== undefined) return Promise.resolve(prepared.mock.output);
    const { connector, action, input } = prepared;
    try {
      return prepared.backend !== undefined
        ? prepared.backend.execute(
            { kind: 'action', connector, action, input },
            exec.backendContext(call, prepared.backendName),
          )
        : prepared.executor!.execute({ connector, action, input, context: exec.handlerContext(call) });
    } catch (thrown) {
      return Promise.reject(failedError(thrown, prepared, connector.id, action.name));
    }
  },

  settle(exec, call, value) {
    const prepared = call.prepared as PreparedAction;
    if (prepared.mock !== undefined) return value as JsonValue;
    const output = value === undefined ? null : value;
    const { connector, action } = prepared;
    if (exec.services.strictOutputs && action.output !== undefined) {
      return validateOutput(action.output, output, `${connector.name}.${action.name} output`);
    }
    return output;
  },

  fail(_exec, call, thrown) {
    const prepared = call.prepared as PreparedAction;
    // Our own errors (a synchronous throw converted in `execute`) pass through unchanged.
    return failedError(thrown, prepared, prepared.connector.id, prepared.action.name);
  },
};
