import type { Connector, Step, Workflow } from '@openworkflow/schemas';
import { childStepLists } from '@openworkflow/schemas';
import { booleanFlag, type ParsedArgs, stringFlag } from '../args.js';
import { EXIT_OK } from '../exit-codes.js';
import { type CliIo, writeLine } from '../io.js';
import { MAX_RENDERED_VALUE_LENGTH } from '../limits.js';
import { loadForCommand, pickWorkflow } from '../load-workflow.js';
import { planStages } from '../plan-stages.js';
import { redactCredentials, redactValue } from '../redact-metadata.js';
import { collectReferences, describeStep, renderValue } from '../workflow-summary.js';

/** `openworkflow describe <file> [--workflow name] [--json]`: a workflow's (or connector's) shape. */
export async function execute(args: ParsedArgs, io: CliIo): Promise<number> {
  const file = args.positionals[0]!;
  const loaded = await loadForCommand(file, io);
  if (!loaded.ok) return loaded.exitCode;
  const json = booleanFlag(args, 'json');
  const document = loaded.document;
  if (document.kind !== 'workflows') {
    const value =
      document.kind === 'connector'
        ? document.connector
        : document.kind === 'agent'
          ? document.agent
          : document.bundle;
    if (json) writeLine(io.stdout, JSON.stringify(redactValue(value), null, 2));
    else if (document.kind === 'connector') printConnector(document.connector, io);
    else writeLine(io.stdout, redactCredentials(JSON.stringify(value, null, 2)));
    return EXIT_OK;
  }
  const name = stringFlag(args, 'workflow');
  let workflows: readonly Workflow[] = document.workflows;
  if (name !== undefined) {
    const picked = pickWorkflow(workflows, name, file, io);
    if (!picked.ok) return picked.exitCode;
    workflows = [picked.workflow];
  }
  if (json) {
    const described = workflows.map((workflow) => ({
      ...workflow,
      references: collectReferences(workflow),
      stages: planStages(workflow.steps, workflow.strategy).stages.map((stage) =>
        stage.map((index) => workflow.steps[index]!.id),
      ),
    }));
    writeLine(io.stdout, JSON.stringify(redactValue(name === undefined ? described : described[0]), null, 2));
    return EXIT_OK;
  }
  workflows.forEach((workflow, position) => {
    if (position > 0) writeLine(io.stdout);
    printWorkflow(workflow, io);
  });
  return EXIT_OK;
}

function printWorkflow(workflow: Workflow, io: CliIo): void {
  const out = (line = '') => writeLine(io.stdout, redactCredentials(line));
  out(`Workflow: ${workflow.name} (version ${workflow.version})`);
  if (workflow.id !== undefined) out(`  id:          ${workflow.id}`);
  if (workflow.description !== undefined)
    out(`  description: ${workflow.description.trim().replace(/\s+/g, ' ')}`);
  out(
    `  strategy:    ${workflow.strategy}${workflow.maxConcurrency === undefined ? '' : ` (max ${workflow.maxConcurrency} at once)`}`,
  );
  if (workflow.timeoutMs !== undefined) out(`  timeout:     ${workflow.timeoutMs} ms`);
  for (const trigger of workflow.triggers) {
    const detail =
      trigger.type === 'schedule'
        ? `"${trigger.cron}"${trigger.timezone === undefined ? '' : ` (${trigger.timezone})`}`
        : trigger.type === 'webhook'
          ? `${trigger.method ?? 'POST'} ${trigger.path ?? ''}`
          : trigger.type === 'event'
            ? `${trigger.source}${trigger.topic === undefined ? '' : ` ${trigger.topic}`}`
            : '';
    out(`  trigger:     ${trigger.type} ${detail}`.trimEnd());
  }
  out();
  const inputs = Object.entries(workflow.inputs);
  out(`Inputs (${inputs.length}):`);
  const width = Math.max(0, ...inputs.map(([name]) => name.length));
  for (const [name, input] of inputs) {
    const parts = [
      `  ${name.padEnd(width)}`,
      input.type ?? 'any',
      input.required ? 'required' : 'optional',
      input.default === undefined ? '' : `default ${renderValue(input.default, MAX_RENDERED_VALUE_LENGTH)}`,
      input.enum === undefined ? '' : `one of ${renderValue([...input.enum], MAX_RENDERED_VALUE_LENGTH)}`,
      input.description === undefined ? '' : `— ${input.description}`,
    ];
    out(parts.filter((part) => part !== '').join('  '));
  }
  const outputs = Object.entries(workflow.outputs);
  out();
  out(`Outputs (${outputs.length}):`);
  for (const [name, output] of outputs) {
    out(
      `  ${name}  ${renderValue(output.value, MAX_RENDERED_VALUE_LENGTH)}${output.description === undefined ? '' : `  — ${output.description}`}`,
    );
  }
  out();
  out('Steps:');
  printSteps(workflow.steps, 1, out);
  const { stages } = planStages(workflow.steps, workflow.strategy);
  out();
  out(`Plan (${stages.length} stage${stages.length === 1 ? '' : 's'}):`);
  stages.forEach((stage, index) => {
    out(`  ${index + 1}. ${stage.map((step) => workflow.steps[step]!.id).join(', ')}`);
  });
  const references = collectReferences(workflow);
  out();
  out(`Connectors: ${references.connectors.join(', ') || '-'}`);
  out(`Agents:     ${references.agents.join(', ') || '-'}`);
  if (references.workflows.length > 0) out(`Workflows:  ${references.workflows.join(', ')}`);
}

function printSteps(steps: readonly Step[], depth: number, out: (line: string) => void): void {
  for (const step of steps) {
    const traits = [
      step.loop === undefined
        ? ''
        : `for each ${renderValue(step.loop.items, 60)}${step.loop.parallel ? ' in parallel' : ''}`,
      step.condition === undefined ? '' : `when ${step.condition}`,
      step.needs.length === 0 ? '' : `needs ${step.needs.join(', ')}`,
      reads(step).length === 0 ? '' : `reads ${reads(step).join(', ')}`,
      step.retry === undefined ? '' : `retry ×${step.retry.maxAttempts} ${step.retry.backoff}`,
      step.timeoutMs === undefined ? '' : `timeout ${step.timeoutMs} ms`,
      step.continueOnError ? 'continue on error' : '',
    ].filter((trait) => trait !== '');
    const pad = '  '.repeat(depth);
    out(
      `${pad}- ${step.id}  [${step.type}] ${describeStep(step)}${traits.length === 0 ? '' : `  (${traits.join('; ')})`}`,
    );
    for (const child of childStepLists(step)) {
      if (child.steps.length === 0) continue;
      out(`${pad}  ${child.role}:`);
      printSteps(child.steps, depth + 2, out);
    }
  }
}

/** Steps whose outputs a step's templates read, beyond the ones it already `needs`. */
function reads(step: Step): readonly string[] {
  return step.dependsOn.filter((id) => !step.needs.includes(id));
}

function printConnector(connector: Connector, io: CliIo): void {
  const out = (line = '') => writeLine(io.stdout, redactCredentials(line));
  out(`Connector: ${connector.id} (${connector.kind})`);
  if (connector.description !== '') out(`  description: ${connector.description}`);
  if (connector.auth !== undefined) out(`  auth:        ${connector.auth.type}`);
  out(`  timeout:     ${connector.runtime.timeoutMs} ms`);
  out();
  out(`Actions (${connector.actions.length}):`);
  for (const action of connector.actions) {
    const required = (action.input?.required as string[] | undefined) ?? [];
    const properties = Object.keys((action.input?.properties as Record<string, unknown> | undefined) ?? {});
    const inputs = properties.map((name) => (required.includes(name) ? name : `${name}?`)).join(', ');
    out(`  ${action.name}(${inputs})  [${action.handler.type}]  ${action.description}`);
  }
}
