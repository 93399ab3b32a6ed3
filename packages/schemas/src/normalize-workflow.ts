/**
 * Workflow documents: the `workflows:` list, a single flat workflow (the registry manifest) and the
 * legacy singular `workflow:` block, all loaded into `Workflow[]` (spec/workflows.md).
 */
import { checkCron } from './cron.js';
import { appendPointer } from './json-pointer.js';
import type {
  Authorization,
  DryRunSettings,
  InputDefinition,
  InputType,
  JsonObject,
  JsonValue,
  OutputDefinition,
  Trigger,
  Workflow,
  WorkflowTesting,
} from './model.js';
import {
  cloneJson,
  cloneObject,
  has,
  isObject,
  type NormalizeContext,
  own,
  readArray,
  readBoolean,
  readNumber,
  readObject,
  readString,
  readStrings,
  sourceOf,
} from './normalize-context.js';
import {
  readBackendName,
  readDurationMs,
  readRequires,
  readSchemaVersion,
  requireForRegistry,
} from './normalize-shared.js';
import { normalizeSteps, ROOT_SCOPE } from './normalize-step.js';
import { createRecord } from './parse-source.js';
import { RESOURCE_NAME_PATTERN } from './resource-id.js';

/** Default `version` of a workflow that declares none. */
export const DEFAULT_WORKFLOW_VERSION = '1.0.0';

/** Default approval timeout of `authorization.approval`: one hour. */
const DEFAULT_AUTHORIZATION_APPROVAL_MS = 3_600_000;

const INPUT_TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'object', 'array']);

/** A workflow document read into raw workflow objects, with the pointer of each. */
export function splitWorkflowFile(
  context: NormalizeContext,
  root: JsonObject,
): { readonly raw: JsonObject; readonly pointer: string }[] {
  const list = readArray(root, 'workflows');
  if (list !== undefined) {
    return list.flatMap((raw, index) =>
      isObject(raw) ? [{ raw, pointer: appendPointer('', 'workflows', index) }] : [],
    );
  }
  const singular = readObject(root, 'workflow');
  if (singular !== undefined) {
    context.diagnostics.report(
      'OW_ALIAS_SINGULAR_WORKFLOW',
      '/workflow',
      'A single workflow under "workflow:" is read as a one-element "workflows:" list',
      { at: 'key' },
    );
    return [{ raw: singular, pointer: '/workflow' }];
  }
  return [{ raw: root, pointer: '' }];
}

/**
 * Normalises one workflow. Its step graph (`dependsOn`, reference checks) is analysed afterwards,
 * once the expression checks have extracted the template references.
 */
export function normalizeWorkflow(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
): Workflow | undefined {
  const at = (...segments: (string | number)[]): string => appendPointer(pointer, ...segments);
  const name = readString(raw, 'name');
  const steps = normalizeSteps(context, own(raw, 'steps'), at('steps'), ROOT_SCOPE);
  if (name === undefined) return undefined;

  requireForRegistry(context, raw, pointer, [
    'schemaVersion',
    'namespace',
    'version',
    'displayName',
    'description',
  ]);
  const version = readString(raw, 'version') ?? DEFAULT_WORKFLOW_VERSION;
  const namespace = readString(raw, 'namespace');
  let id: string | undefined;
  if (namespace !== undefined) {
    if (RESOURCE_NAME_PATTERN.test(name)) {
      id = `workflow:${namespace}/${name}@${version}`;
    } else {
      context.diagnostics.report(
        'OW_INVALID_RESOURCE_ID',
        at('name'),
        `A workflow with a namespace is a registry resource; its name "${name}" must be kebab-case`,
      );
    }
  }
  const strategy = readString(raw, 'strategy') === 'dag' ? 'dag' : 'sequential';
  const optional = {
    displayName: readString(raw, 'displayName'),
    description: readString(raw, 'description'),
    schemaVersion: readSchemaVersion(context, raw, pointer),
    requires: readRequires(context, raw, pointer),
    maxConcurrency: readNumber(raw, 'maxConcurrency'),
    backend: ((backend) =>
      backend === undefined ? undefined : readBackendName(context, backend, at('backend')))(
      readString(raw, 'backend'),
    ),
    timeoutMs: readDurationMs(context, raw, 'timeout', pointer),
    authorization: readAuthorization(context, raw, pointer),
    testing: readTesting(raw),
  };
  const workflow: Workflow = {
    type: 'workflow',
    name,
    version,
    ...(id !== undefined ? { id } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    categories: readStrings(raw, 'categories') ?? [],
    strategy,
    inputs: readInputs(context, raw, pointer),
    outputs: readOutputs(context, raw, pointer),
    triggers: readTriggers(context, raw, pointer),
    steps,
    source: sourceOf(context, pointer),
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, value]) => value !== undefined),
    ) as Partial<Workflow>),
  };
  return workflow;
}

/** Reports workflows of one file that share a name. */
export function checkWorkflowNames(
  context: NormalizeContext,
  workflows: readonly { readonly workflow: Workflow; readonly pointer: string }[],
): void {
  const seen = new Map<string, string>();
  for (const { workflow, pointer } of workflows) {
    const first = seen.get(workflow.name);
    if (first === undefined) {
      seen.set(workflow.name, pointer);
    } else {
      context.diagnostics.report(
        'OW_DUPLICATE_WORKFLOW_NAME',
        appendPointer(pointer, 'name'),
        `Workflow name "${workflow.name}" is already used at ${first || '/'}; names address workflows in a file`,
      );
    }
  }
}

function readInputs(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
): Record<string, InputDefinition> {
  const inputs = createRecord<InputDefinition>();
  const value = own(raw, 'inputs');
  if (Array.isArray(value)) {
    context.diagnostics.report(
      'OW_ALIAS_INPUTS_LIST',
      appendPointer(pointer, 'inputs'),
      'A list of inputs with "id" is read as a map keyed by id',
      { at: 'key' },
    );
    for (const item of value) {
      const id = isObject(item) ? readString(item, 'id') : undefined;
      if (id !== undefined && isObject(item)) inputs[id] = readInput(item);
    }
  } else if (isObject(value)) {
    for (const [name, item] of Object.entries(value)) if (isObject(item)) inputs[name] = readInput(item);
  }
  return inputs;
}

function readInput(raw: JsonObject): InputDefinition {
  const type = readString(raw, 'type');
  const description = readString(raw, 'description');
  const values = readArray(raw, 'enum');
  return {
    ...(type !== undefined && INPUT_TYPES.has(type) ? { type: type as InputType } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(has(raw, 'default') ? { default: cloneJson(own(raw, 'default')!) } : {}),
    required: readBoolean(raw, 'required') ?? false,
    ...(values !== undefined ? { enum: values.map(cloneJson) } : {}),
  };
}

function readOutputs(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
): Record<string, OutputDefinition> {
  const outputs = createRecord<OutputDefinition>();
  const value = own(raw, 'outputs');
  const add = (name: string, item: JsonObject, itemPointer: string): void => {
    if (!has(item, 'value')) return;
    const template: JsonValue = own(item, 'value')!;
    context.templateSites.push({
      pointer: appendPointer(itemPointer, 'value'),
      value: template,
      role: 'value',
      loopVariables: false,
      errorVariable: false,
      secrets: false,
    });
    const description = readString(item, 'description');
    outputs[name] = { value: cloneJson(template), ...(description !== undefined ? { description } : {}) };
  };
  if (Array.isArray(value)) {
    context.diagnostics.report(
      'OW_ALIAS_OUTPUTS_LIST',
      appendPointer(pointer, 'outputs'),
      'A list of outputs with "id" is read as a map keyed by id',
      { at: 'key' },
    );
    value.forEach((item, index) => {
      const id = isObject(item) ? readString(item, 'id') : undefined;
      if (id !== undefined && isObject(item)) add(id, item, appendPointer(pointer, 'outputs', index));
    });
  } else if (isObject(value)) {
    for (const [name, item] of Object.entries(value)) {
      if (isObject(item)) add(name, item, appendPointer(pointer, 'outputs', name));
    }
  }
  return outputs;
}

function readTriggers(context: NormalizeContext, raw: JsonObject, pointer: string): Trigger[] {
  const triggers: Trigger[] = [];
  (readArray(raw, 'triggers') ?? []).forEach((item, index) => {
    if (!isObject(item)) return;
    const at = appendPointer(pointer, 'triggers', index);
    const trigger = readTrigger(context, item, at);
    if (trigger !== undefined) triggers.push(trigger);
  });
  return triggers;
}

function readTrigger(context: NormalizeContext, raw: JsonObject, pointer: string): Trigger | undefined {
  const type = readString(raw, 'type');
  if (type === undefined && has(raw, 'schedule')) {
    context.diagnostics.report(
      'OW_ALIAS_TRIGGER_SHORTHAND',
      appendPointer(pointer, 'schedule'),
      'The shorthand "schedule: <cron>" is read as {type: schedule, cron: <cron>}',
      { at: 'key' },
    );
    return readSchedule(context, raw, pointer, 'schedule');
  }
  switch (type) {
    case 'manual':
      return { type: 'manual' };
    case 'schedule':
      return readSchedule(context, raw, pointer, 'cron');
    case 'webhook': {
      const path = readString(raw, 'path');
      const method = readString(raw, 'method');
      const auth = readObject(raw, 'auth');
      const security = readObject(raw, 'security');
      return {
        type: 'webhook',
        ...(path !== undefined ? { path } : {}),
        ...(method !== undefined ? { method } : {}),
        ...(auth !== undefined ? { auth: cloneObject(auth) } : {}),
        ...(security !== undefined ? { security: cloneObject(security) } : {}),
      };
    }
    case 'event': {
      const source = readString(raw, 'source');
      if (source === undefined) return undefined;
      const topic = readString(raw, 'topic');
      const filter = readObject(raw, 'filter');
      return {
        type: 'event',
        source,
        ...(topic !== undefined ? { topic } : {}),
        ...(filter !== undefined ? { filter: cloneObject(filter) } : {}),
      };
    }
    default:
      return undefined;
  }
}

function readSchedule(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
  key: 'cron' | 'schedule',
): Trigger | undefined {
  const cron = readString(raw, key);
  if (cron === undefined) return undefined;
  const problem = checkCron(cron);
  if (problem !== undefined) {
    context.diagnostics.report(
      'OW_INVALID_CRON',
      appendPointer(pointer, key),
      `Invalid cron expression: ${problem}`,
    );
  }
  const timezone = readString(raw, 'timezone');
  if (timezone !== undefined && !isTimeZone(timezone)) {
    context.diagnostics.report(
      'OW_INVALID_TIMEZONE',
      appendPointer(pointer, 'timezone'),
      `"${timezone}" is not an IANA time zone such as America/New_York`,
    );
  }
  return { type: 'schedule', cron, ...(timezone !== undefined ? { timezone } : {}) };
}

/** Whether the runtime's ICU data knows the zone (IANA names and their aliases). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readAuthorization(
  context: NormalizeContext,
  raw: JsonObject,
  pointer: string,
): Authorization | undefined {
  const authorization = readObject(raw, 'authorization');
  if (authorization === undefined) return undefined;
  const approval = readObject(authorization, 'approval');
  return {
    enabled: readBoolean(authorization, 'enabled') ?? true,
    roles: readStrings(authorization, 'roles') ?? [],
    permissions: readStrings(authorization, 'permissions') ?? [],
    ...(approval !== undefined
      ? {
          approval: {
            required: readBoolean(approval, 'required') ?? false,
            approvers: readStrings(approval, 'approvers') ?? [],
            timeoutMs:
              readDurationMs(
                context,
                approval,
                'timeout',
                appendPointer(pointer, 'authorization', 'approval'),
              ) ?? DEFAULT_AUTHORIZATION_APPROVAL_MS,
          },
        }
      : {}),
  };
}

function readTesting(raw: JsonObject): WorkflowTesting | undefined {
  const testing = readObject(raw, 'testing');
  if (testing === undefined) return undefined;
  const dryRun = readObject(testing, 'dryRun');
  const fixtures = (readArray(testing, 'fixtures') ?? []).flatMap((item) => {
    const name = isObject(item) ? readString(item, 'name') : undefined;
    if (name === undefined || !isObject(item)) return [];
    return [
      {
        name,
        inputs: cloneObject(readObject(item, 'inputs') ?? {}),
        expectedOutputs: cloneObject(readObject(item, 'expectedOutputs') ?? {}),
      },
    ];
  });
  return {
    ...(dryRun !== undefined
      ? {
          dryRun: {
            enabled: readBoolean(dryRun, 'enabled') ?? false,
            mockConnectors: readBoolean(dryRun, 'mockConnectors') ?? false,
            mockData: cloneObject(readObject(dryRun, 'mockData') ?? {}) as DryRunSettings['mockData'],
          },
        }
      : {}),
    fixtures,
  };
}
