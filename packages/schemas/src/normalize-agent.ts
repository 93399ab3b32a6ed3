/**
 * Agents: the manifest form and the formal form (the spec's embedded JSON Schema) load into one
 * `Agent` (spec/agents.md).
 */
import semver from 'semver';
import { checkEmbeddedSchema } from './embedded-schema.js';
import { appendPointer } from './json-pointer.js';
import type { Agent, AgentExecution, JsonObject, ModelSelection, ToolsetEntry } from './model.js';
import {
  cloneObject,
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
  checkReference,
  readBackendName,
  readDeprecation,
  readMetadata,
  readRequires,
  readSchemaVersion,
  requireForRegistry,
} from './normalize-shared.js';
import { toJsonSchema } from './normalize-step.js';
import { createRecord } from './parse-source.js';
import { parseResourceId } from './resource-id.js';

/** The default backend of agents that name none. */
export const DEFAULT_AGENT_BACKEND = 'native';

/** Model parameters of the formal form's `model.params` that have a field of their own. */
const MODEL_PARAMETERS = [
  'temperature',
  'maxTokens',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'stopSequences',
] as const;

/** Normalises a manifest-form agent (spec/agents.md#manifest-form). */
export function normalizeAgentManifest(context: NormalizeContext, root: JsonObject): Agent | undefined {
  requireForRegistry(context, root, '', ['displayName', 'description']);
  const schemaVersion = readSchemaVersion(context, root, '');
  const requires = readRequires(context, root, '');
  const execution = readExecution(context, root);
  const toolset = readToolset(context, root);
  const model = readModel(readObject(root, 'model'));
  const name = readString(root, 'name');
  if (name === undefined || model === undefined) return undefined;
  const namespace = readString(root, 'namespace');
  const version = readString(root, 'version');
  const personality = readObject(root, 'personality');
  const systemPrompt =
    readString(root, 'systemPrompt') ?? (personality && readString(personality, 'systemPrompt'));
  const planner = readObject(root, 'planner');
  const strategy = planner === undefined ? undefined : readString(planner, 'strategy');
  const maxTurns = planner === undefined ? undefined : readNumber(planner, 'maxTurns');
  const io = readObject(root, 'io');
  if (io !== undefined) {
    checkEmbeddedSchema(context, own(io, 'inputSchema'), '/io/inputSchema');
    checkEmbeddedSchema(context, own(io, 'outputSchema'), '/io/outputSchema');
  }
  const guardrailOutput = readObject(readObject(root, 'guardrails') ?? {}, 'output');
  if (guardrailOutput !== undefined)
    checkEmbeddedSchema(context, own(guardrailOutput, 'schema'), '/guardrails/output/schema');
  const inputSchema = io === undefined ? undefined : toJsonSchema(own(io, 'inputSchema'));
  const outputSchema = io === undefined ? undefined : toJsonSchema(own(io, 'outputSchema'));
  const deprecated = readDeprecation(root);
  const optionalText = {
    displayName: readString(root, 'displayName'),
    description: readString(root, 'description'),
    schemaVersion,
    systemPrompt,
  };
  const blocks = {
    personality,
    knowledge: readObject(root, 'knowledge'),
    memory: readObject(root, 'memory'),
    guardrails: readObject(root, 'guardrails'),
    policies: readObject(root, 'policies'),
  };
  return {
    type: 'agent',
    form: 'manifest',
    ...(namespace !== undefined && version !== undefined
      ? { id: `agent:${namespace}/${name}@${version}` }
      : {}),
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(version !== undefined ? { version } : {}),
    ...defined(optionalText),
    model,
    toolset,
    execution,
    ...(strategy !== undefined
      ? { planner: { strategy, ...(maxTurns !== undefined ? { maxTurns } : {}) } }
      : {}),
    ...Object.fromEntries(
      Object.entries(blocks).flatMap(([key, value]) =>
        value === undefined ? [] : [[key, cloneObject(value)]],
      ),
    ),
    io: {
      ...(inputSchema !== undefined ? { inputSchema } : {}),
      ...(outputSchema !== undefined ? { outputSchema } : {}),
    },
    registryMode: false,
    metadata: readMetadata(root, readObject(root, 'metadata')),
    ...(deprecated !== undefined ? { deprecated } : {}),
    ...(requires !== undefined ? { requires } : {}),
    source: sourceOf(context, ''),
  };
}

function readModel(raw: JsonObject | undefined): ModelSelection | undefined {
  if (raw === undefined) return undefined;
  const provider = readString(raw, 'provider');
  const id = readString(raw, 'id');
  if (provider === undefined || id === undefined) return undefined;
  const fallback = readObject(raw, 'fallback');
  const fallbackProvider = fallback && readString(fallback, 'provider');
  const fallbackId = fallback && readString(fallback, 'id');
  const providerConfig = readObject(raw, 'providerConfig');
  return {
    provider,
    id,
    ...modelParameters(raw),
    ...(fallbackProvider !== undefined && fallbackId !== undefined
      ? { fallback: { provider: fallbackProvider, id: fallbackId } }
      : {}),
    ...(providerConfig !== undefined ? { providerConfig: cloneObject(providerConfig) } : {}),
  };
}

function modelParameters(raw: JsonObject): Partial<ModelSelection> {
  const result: Record<string, unknown> = {};
  for (const key of MODEL_PARAMETERS) {
    const value = key === 'stopSequences' ? readStrings(raw, key) : readNumber(raw, key);
    if (value !== undefined) result[key] = value;
  }
  return result as Partial<ModelSelection>;
}

function readExecution(context: NormalizeContext, root: JsonObject): AgentExecution {
  const raw = readObject(root, 'execution');
  if (raw === undefined) return { backend: DEFAULT_AGENT_BACKEND, config: cloneObject({}) };
  const backend = readString(raw, 'backend');
  const resolved =
    backend === undefined ? DEFAULT_AGENT_BACKEND : readBackendName(context, backend, '/execution/backend');
  const hint = readString(raw, 'runtimeHint');
  const legacy = readString(raw, 'runtime');
  if (legacy !== undefined) {
    context.diagnostics.report(
      hint !== undefined ? 'OW_ALIAS_CONFLICT' : 'OW_ALIAS_RUNTIME_HINT',
      '/execution/runtime',
      hint !== undefined
        ? 'Both "runtimeHint" and "runtime" are present; remove "runtime"'
        : '"runtime" is read as "runtimeHint"',
      { at: 'key' },
    );
  }
  const runtime = hint ?? legacy;
  if (resolved === 'langchain' && runtime === undefined) {
    context.diagnostics.report(
      'OW_AGENT_RUNTIME_REQUIRED',
      '/execution',
      'The langchain backend needs "runtimeHint" (python or node) to pick its adapter',
    );
  }
  const compatibility = readObject(raw, 'compatibility');
  const ranges = createRecord<string>();
  for (const [framework, range] of Object.entries(compatibility ?? {})) {
    if (typeof range !== 'string') continue;
    if (semver.validRange(range) === null) {
      context.diagnostics.report(
        'OW_INVALID_VERSION_RANGE',
        appendPointer('/execution/compatibility', framework),
        `"${range}" is not a SemVer range`,
      );
    }
    ranges[framework] = range;
  }
  return {
    backend: resolved,
    ...(runtime === 'python' || runtime === 'node' || runtime === 'any' ? { runtime } : {}),
    ...(compatibility !== undefined ? { compatibility: ranges } : {}),
    config: cloneObject(readObject(raw, 'config') ?? {}),
  };
}

function readToolset(context: NormalizeContext, root: JsonObject): ToolsetEntry[] {
  const entries: ToolsetEntry[] = [];
  (readArray(root, 'toolset') ?? []).forEach((item, index) => {
    const pointer = appendPointer('/toolset', index);
    if (typeof item === 'string') {
      checkReference(context, item, 'connector', pointer);
      entries.push({ connector: item });
      return;
    }
    const connector = isObject(item) ? readString(item, 'connector') : undefined;
    if (connector === undefined || !isObject(item)) return;
    checkReference(context, connector, 'connector', appendPointer(pointer, 'connector'));
    const actions = readStrings(item, 'actions');
    const deny = readStrings(item, 'deny');
    const rateLimit = readObject(item, 'rateLimit');
    const rpm = rateLimit && readNumber(rateLimit, 'rpm');
    entries.push({
      connector,
      ...(actions !== undefined ? { actions } : {}),
      ...(deny !== undefined ? { deny } : {}),
      ...(rateLimit !== undefined ? { rateLimit: rpm !== undefined ? { rpm } : {} } : {}),
    });
  });
  return entries;
}

/**
 * The formal form: `agent.id` (a typed agent reference, or a plain name), `model.name`,
 * `instructions.system`, `tools` and `runtime` (`smartify` and `any` mean the default backend).
 */
export function normalizeAgentFormal(context: NormalizeContext, root: JsonObject): Agent | undefined {
  const agent = readObject(root, 'agent');
  const model = readObject(root, 'model');
  const instructions = readObject(root, 'instructions');
  const identifier = agent && readString(agent, 'id');
  const provider = model && readString(model, 'provider');
  const modelName = model && readString(model, 'name');
  if (identifier === undefined || provider === undefined || modelName === undefined) return undefined;
  const parsed = identifier.startsWith('agent:') ? parseResourceId(identifier, 'agent') : undefined;
  if (parsed !== undefined && !parsed.ok) {
    context.diagnostics.report('OW_INVALID_RESOURCE_ID', '/agent/id', `Invalid reference: ${parsed.message}`);
  }
  const reference = parsed?.ok ? parsed.value : undefined;
  const params = (model && readObject(model, 'params')) ?? cloneObject({});
  const providerConfig = cloneObject(params);
  for (const key of MODEL_PARAMETERS) delete providerConfig[key];
  const systemPrompt = instructions && readString(instructions, 'system');
  const goals = instructions && readStrings(instructions, 'goals');
  const runtime = readString(root, 'runtime');
  const io = readObject(root, 'io');
  const outputSchemaRef = io && readString(io, 'output_schema');
  const extensions = readObject(root, 'extensions');
  return {
    type: 'agent',
    form: 'formal',
    ...(reference !== undefined
      ? {
          id: identifier,
          name: reference.name,
          namespace: reference.namespace,
          ...(reference.version !== undefined ? { version: reference.version } : {}),
        }
      : { name: identifier }),
    model: {
      provider,
      id: modelName,
      ...modelParameters(params),
      ...(Object.keys(providerConfig).length > 0 ? { providerConfig } : {}),
    },
    ...(systemPrompt !== undefined ? { systemPrompt } : {}),
    ...(goals !== undefined ? { goals } : {}),
    toolset: (readArray(root, 'tools') ?? []).flatMap((tool) => {
      const name = isObject(tool) ? readString(tool, 'name') : undefined;
      if (name === undefined || !isObject(tool)) return [];
      const inputSchema = readString(tool, 'input_schema');
      return [{ connector: name, ...(inputSchema !== undefined ? { inputSchema } : {}) }];
    }),
    execution: {
      backend:
        runtime === undefined || runtime === 'smartify' || runtime === 'any'
          ? DEFAULT_AGENT_BACKEND
          : runtime,
      config: cloneObject({}),
    },
    io: outputSchemaRef !== undefined ? { outputSchemaRef } : {},
    registryMode: readBoolean(root, 'registryMode') ?? false,
    metadata: { categories: [] },
    ...(extensions !== undefined ? { extensions: cloneObject(extensions) } : {}),
    source: sourceOf(context, ''),
  };
}

function defined<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
