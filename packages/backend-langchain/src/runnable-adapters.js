import { toolNameFor } from '@openworkflow/agents';
import { OpenWorkflowError } from '@openworkflow/core';
import { formatDiagnostic, loadWorkflows } from '@openworkflow/schemas';
/** The JSON Schema of a workflow's `inputs`, for a tool's arguments. */
export function workflowInputSchema(workflow) {
  const properties = {};
  const required = [];
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const property = {};
    if (input.type !== undefined) property.type = input.type;
    if (input.description !== undefined) property.description = input.description;
    if (input.enum !== undefined) property.enum = [...input.enum];
    if (input.default !== undefined) property.default = input.default;
    properties[name] = property;
    if (input.required && input.default === undefined) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}
/** Runs `workflow` and returns its outputs, or throws its error as an `OpenWorkflowError`. */
async function runToOutputs(engine, workflow, inputs, options) {
  const result = await engine.start(workflow, inputs, options).result;
  if (result.status === 'success') return result.outputs;
  const error = result.error;
  throw new OpenWorkflowError(
    error?.code ?? 'INTERNAL_ERROR',
    error?.message ?? `Workflow '${workflow.name}' ${result.status}`,
    {
      details: { ...(error?.details ?? {}), run_id: result.runId, workflow: workflow.name },
    },
  );
}
/**
 * A workflow as a LangChain `Runnable`: `invoke(inputs)` runs it on `engine` and resolves with its
 * outputs; a failed or canceled run rejects with its `OpenWorkflowError`. The call's `signal`
 * cancels the run.
 *
 * @example
 * const chain = (await workflowAsRunnable(engine, workflow)).pipe(summarise);
 */
export async function workflowAsRunnable(engine, workflow) {
  const { RunnableLambda } = await import('@langchain/core/runnables');
  return RunnableLambda.from(async (inputs, config) =>
    runToOutputs(engine, workflow, inputs, config?.signal === undefined ? {} : { signal: config.signal }),
  );
}
/** A workflow as a LangChain tool whose arguments are the workflow's inputs and whose result is its outputs (JSON text). */
export async function workflowAsTool(engine, workflow, options = {}) {
  const { tool } = await import('@langchain/core/tools');
  return tool(
    async (args, config) =>
      JSON.stringify(
        await runToOutputs(
          engine,
          workflow,
          args,
          config?.signal === undefined ? {} : { signal: config.signal },
        ),
      ),
    {
      name: options.name ?? workflow.name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64),
      description: options.description ?? workflow.description ?? `Runs the workflow '${workflow.name}'`,
      schema: workflowInputSchema(workflow),
    },
  );
}
/**
 * A connector action as a LangChain tool, named by the agent tool-name rule
 * (`<connector>_<action>`): each call runs a one-step workflow on `engine`, so the engine's
 * handlers, egress guard, secrets and events apply exactly as for an action step.
 */
export async function actionAsTool(engine, connector, action) {
  const properties = action.input?.properties ?? {};
  const input = {};
  for (const name of Object.keys(properties)) input[name] = `{{ inputs.${name} }}`;
  const loaded = loadWorkflows({
    name: toolNameFor(connector, action),
    inputs: Object.fromEntries(Object.keys(properties).map((name) => [name, { required: false }])),
    steps: [{ id: 'call', connector: connector.id, action: action.name, input }],
    outputs: { result: { value: '{{ steps.call.output }}' } },
  });
  if (!loaded.ok || loaded.value === undefined) {
    throw new OpenWorkflowError('VALIDATION', `Cannot wrap ${connector.id}.${action.name} as a tool`, {
      details: {
        connector: connector.id,
        action: action.name,
        diagnostics: loaded.diagnostics.map(formatDiagnostic).join('\n'),
      },
    });
  }
  const workflow = loaded.value[0];
  const { tool } = await import('@langchain/core/tools');
  return tool(
    async (args, config) => {
      const outputs = await runToOutputs(
        engine,
        workflow,
        args,
        config?.signal === undefined ? {} : { signal: config.signal },
      );
      return typeof outputs.result === 'string' ? outputs.result : JSON.stringify(outputs.result ?? null);
    },
    {
      name: toolNameFor(connector, action),
      description: action.description,
      schema: action.input ?? { type: 'object', properties: {} },
    },
  );
}
