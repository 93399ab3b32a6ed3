/**
 * Connectors: the authoring form (`connector:` block + `actions:`) and the flat registry manifest
 * load into the same `Connector` (spec/connectors.md).
 */
import { checkEmbeddedSchema } from './embedded-schema.js';
import { appendPointer } from './json-pointer.js';
import type {
  Action,
  AuthDescriptor,
  Connector,
  ConnectorApproval,
  ConnectorKind,
  ConnectorRuntime,
  EnvironmentRequirement,
  Handler,
  HttpMethod,
  JsonObject,
  McpSettings,
  McpTransport,
  UrlValidation,
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
  readObject,
  readString,
  readStringMap,
  readStrings,
  sourceOf,
} from './normalize-context.js';
import {
  readDeprecation,
  readDurationMs,
  readMetadata,
  readRequires,
  readRetryPolicy,
  readSchemaVersion,
  requireForRegistry,
} from './normalize-shared.js';
import { toJsonSchema } from './normalize-step.js';

/** Default `runtime.timeout`: 300 s, as the connector chapter states. */
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 300_000;
/** Default connector `approval.timeout`: 3600 s. */
export const DEFAULT_CONNECTOR_APPROVAL_TIMEOUT_MS = 3_600_000;

/** Documented maxima of `runtime.resources` (spec/connectors.md#runtime). */
const RESOURCE_LIMITS = { cpu: 4, memoryBytes: 4 * 1024 ** 3, timeoutMs: 600_000 } as const;

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Sizes such as `512MB` or `1Gi` in bytes. The decimal units are read as binary (`4GB` = 4 GiB): the
 * spec's examples use them that way for memory.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  if (match === null) return undefined;
  const unit = match[2]!.toLowerCase();
  const binary = unit.length === 2 && unit.endsWith('b') && unit !== 'b' ? `${unit[0]}i` : unit;
  const size = MEMORY_UNITS[binary];
  return size === undefined ? undefined : Number(match[1]) * size;
}

/** Normalises a connector in either shape; metadata comes from the `connector:` block when present. */
export function normalizeConnector(context: NormalizeContext, root: JsonObject): Connector | undefined {
  const nested = readObject(root, 'connector');
  const meta = nested ?? root;
  const metaPointer = nested !== undefined ? '/connector' : '';
  const at = (...segments: (string | number)[]): string => appendPointer(metaPointer, ...segments);

  const actions = readActions(context, root);
  const kind = readString(meta, 'kind') as ConnectorKind | undefined;
  const name = readString(meta, 'name');
  const namespace = readString(meta, 'namespace');
  const version = readString(meta, 'version');
  const displayName = readString(meta, 'displayName');
  const description = readString(meta, 'description');
  requireForRegistry(context, meta, metaPointer, ['schemaVersion', 'security']);
  const schemaVersion = readSchemaVersion(context, meta, metaPointer);
  const requires = readRequires(context, meta, metaPointer);
  const runtime = readRuntime(context, meta, at('runtime'));
  const auth = readAuth(context, meta, at('auth'));
  const mcp = readMcp(context, meta, at('mcp'));
  const approval = readApproval(context, meta, at('approval'));
  if (
    kind === undefined ||
    name === undefined ||
    namespace === undefined ||
    version === undefined ||
    displayName === undefined ||
    description === undefined
  ) {
    return undefined;
  }
  const supports = readStrings(meta, 'supports');
  const security = readObject(meta, 'security');
  const capabilities = readObject(meta, 'capabilities');
  const deprecated = readDeprecation(meta);
  return {
    type: 'connector',
    id: `connector:${namespace}/${name}@${version}`,
    kind,
    name,
    namespace,
    version,
    displayName,
    description,
    ...(schemaVersion !== undefined ? { schemaVersion } : {}),
    metadata: readMetadata(meta),
    ...(supports !== undefined ? { supports } : {}),
    ...(auth !== undefined ? { auth } : {}),
    runtime,
    ...(approval !== undefined ? { approval } : {}),
    ...(security !== undefined ? { security: cloneObject(security) } : {}),
    ...(capabilities !== undefined ? { capabilities: cloneObject(capabilities) } : {}),
    ...(mcp !== undefined ? { mcp } : {}),
    actions,
    ...(deprecated !== undefined ? { deprecated } : {}),
    ...(requires !== undefined ? { requires } : {}),
    source: sourceOf(context, ''),
  };
}

function readRuntime(context: NormalizeContext, meta: JsonObject, pointer: string): ConnectorRuntime {
  const runtime = readObject(meta, 'runtime');
  if (runtime === undefined) return { timeoutMs: DEFAULT_CONNECTOR_TIMEOUT_MS, environment: [] };
  const environment: EnvironmentRequirement[] = [];
  for (const item of readArray(runtime, 'environment') ?? []) {
    const name = isObject(item) ? readString(item, 'name') : undefined;
    if (name === undefined || !isObject(item)) continue;
    const description = readString(item, 'description');
    environment.push({
      name,
      ...(description !== undefined ? { description } : {}),
      required: readBoolean(item, 'required') ?? false,
    });
  }
  const memory = readString(runtime, 'memory');
  const resources = readObject(runtime, 'resources');
  if (resources !== undefined) checkResources(context, resources, appendPointer(pointer, 'resources'));
  return {
    timeoutMs: readDurationMs(context, runtime, 'timeout', pointer) ?? DEFAULT_CONNECTOR_TIMEOUT_MS,
    ...(memory !== undefined ? { memory } : {}),
    environment,
    ...(resources !== undefined ? { resources: cloneObject(resources) } : {}),
  };
}

function checkResources(context: NormalizeContext, resources: JsonObject, pointer: string): void {
  const cpu = own(resources, 'cpu');
  const cores = typeof cpu === 'number' ? cpu : typeof cpu === 'string' ? Number(cpu) : undefined;
  if (cores !== undefined && cores > RESOURCE_LIMITS.cpu) {
    context.diagnostics.report(
      'OW_RESOURCE_LIMIT',
      appendPointer(pointer, 'cpu'),
      `cpu ${String(cpu)} exceeds the maximum of ${RESOURCE_LIMITS.cpu}`,
    );
  }
  const memory = readString(resources, 'memory');
  if (memory !== undefined) {
    const bytes = parseMemorySize(memory);
    if (bytes === undefined) {
      context.diagnostics.report(
        'OW_RESOURCE_LIMIT',
        appendPointer(pointer, 'memory'),
        `"${memory}" is not a size such as 512MB`,
      );
    } else if (bytes > RESOURCE_LIMITS.memoryBytes) {
      context.diagnostics.report(
        'OW_RESOURCE_LIMIT',
        appendPointer(pointer, 'memory'),
        `memory ${memory} exceeds the maximum of 4GB`,
      );
    }
  }
  const timeoutMs = readDurationMs(context, resources, 'timeout', pointer);
  if (timeoutMs !== undefined && timeoutMs > RESOURCE_LIMITS.timeoutMs) {
    context.diagnostics.report(
      'OW_RESOURCE_LIMIT',
      appendPointer(pointer, 'timeout'),
      `timeout ${timeoutMs / 1000}s exceeds the maximum of 600s`,
    );
  }
}

function readApproval(
  context: NormalizeContext,
  meta: JsonObject,
  pointer: string,
): ConnectorApproval | undefined {
  const approval = readObject(meta, 'approval');
  if (approval === undefined) return undefined;
  const required = readString(approval, 'required');
  const onTimeout = readString(approval, 'onTimeout');
  return {
    required:
      required === 'first_use' || required === 'always' || required === 'admin_approval' ? required : 'never',
    approvers: readStrings(approval, 'approvers') ?? [],
    timeoutMs: readDurationMs(context, approval, 'timeout', pointer) ?? DEFAULT_CONNECTOR_APPROVAL_TIMEOUT_MS,
    onTimeout: onTimeout === 'allow' || onTimeout === 'escalate' ? onTimeout : 'reject',
  };
}

const NESTED_AUTH_BLOCKS = ['apiKey', 'bearer', 'oauth2', 'mtls', 'custom'] as const;

/**
 * Reads an auth descriptor. The security chapter's nested form (`{type: apiKey, apiKey: {in, name}}`)
 * is merged flat, with a warning.
 */
function readAuth(context: NormalizeContext, meta: JsonObject, pointer: string): AuthDescriptor | undefined {
  const raw = readObject(meta, 'auth');
  const type = raw === undefined ? undefined : readString(raw, 'type');
  if (raw === undefined || type === undefined) return undefined;
  let flat: JsonObject = raw;
  for (const block of NESTED_AUTH_BLOCKS) {
    const nested = readObject(raw, block);
    if (nested === undefined) continue;
    context.diagnostics.report(
      'OW_ALIAS_AUTH_NESTED',
      appendPointer(pointer, block),
      `The nested "${block}:" block is read as flat fields of the descriptor`,
      { at: 'key' },
    );
    flat = { ...nested, ...flat };
  }
  const text = (key: string): string | undefined => readString(flat, key);
  switch (type) {
    case 'none':
    case 'basic':
      return { type };
    case 'apiKey': {
      const location = text('in');
      const name = text('name');
      const prefix = text('prefix');
      if ((location !== 'header' && location !== 'query' && location !== 'cookie') || name === undefined)
        return undefined;
      return { type, in: location, name, ...(prefix !== undefined ? { prefix } : {}) };
    }
    case 'bearer':
      return { type, scheme: text('scheme')?.toLowerCase() === 'jwt' ? 'jwt' : 'bearer' };
    case 'oauth2': {
      const flow = text('flow');
      const authorizationUrl = text('authorizationUrl');
      const tokenUrl = text('tokenUrl');
      return {
        type,
        ...(flow === 'authorization_code' || flow === 'client_credentials' || flow === 'implicit'
          ? { flow }
          : {}),
        ...(authorizationUrl !== undefined ? { authorizationUrl } : {}),
        ...(tokenUrl !== undefined ? { tokenUrl } : {}),
        scopes: readStrings(flat, 'scopes') ?? [],
      };
    }
    case 'mtls': {
      const fields = { clientCert: text('clientCert'), clientKey: text('clientKey'), caCert: text('caCert') };
      return {
        type,
        ...(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
          clientCert?: string;
        }),
      };
    }
    case 'custom': {
      const scheme = text('scheme');
      const parameters = readObject(flat, 'parameters');
      return {
        type,
        ...(scheme !== undefined ? { scheme } : {}),
        ...(parameters !== undefined ? { parameters: cloneObject(parameters) } : {}),
      };
    }
    default:
      return undefined;
  }
}

/**
 * Reads `mcp`. Without an explicit `transport`, a `command` means stdio, a `ws(s)://` endpoint
 * websocket and an `http(s)://` endpoint streamable HTTP.
 */
function readMcp(context: NormalizeContext, meta: JsonObject, pointer: string): McpSettings | undefined {
  const mcp = readObject(meta, 'mcp');
  if (mcp === undefined) return undefined;
  const endpoint = readString(mcp, 'endpoint');
  const command = readString(mcp, 'command');
  let transport = readString(mcp, 'transport') as McpTransport | undefined;
  if (transport === undefined) {
    if (command !== undefined) transport = 'stdio';
    else if (endpoint !== undefined && /^wss?:\/\//i.test(endpoint)) transport = 'websocket';
    else if (endpoint !== undefined && /^https?:\/\//i.test(endpoint)) transport = 'streamable-http';
    else {
      context.diagnostics.report(
        'OW_MCP_TRANSPORT_REQUIRED',
        pointer,
        'Give "transport", a "command" (stdio) or an http(s)/ws(s) "endpoint"',
      );
      return undefined;
    }
  }
  const args = readStrings(mcp, 'args');
  const env = readStringMap(mcp, 'env');
  const protocolVersion = readString(mcp, 'protocolVersion');
  const expose = own(mcp, 'expose');
  return {
    transport,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(env !== undefined ? { env } : {}),
    ...(protocolVersion !== undefined ? { protocolVersion } : {}),
    expose: Array.isArray(expose) ? expose.filter((item): item is string => typeof item === 'string') : 'all',
  };
}

function readActions(context: NormalizeContext, root: JsonObject): Action[] {
  const actions: Action[] = [];
  const seen = new Map<string, string>();
  (readArray(root, 'actions') ?? []).forEach((raw, index) => {
    if (!isObject(raw)) return;
    const pointer = appendPointer('', 'actions', index);
    const name = readString(raw, 'name');
    const description = readString(raw, 'description');
    const handler = readHandler(context, raw, appendPointer(pointer, 'handler'));
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        context.diagnostics.report(
          'OW_DUPLICATE_ACTION_NAME',
          appendPointer(pointer, 'name'),
          `Action "${name}" is already defined at ${first}`,
        );
      } else {
        seen.set(name, pointer);
      }
    }
    checkEmbeddedSchema(context, own(raw, 'input'), appendPointer(pointer, 'input'));
    checkEmbeddedSchema(context, own(raw, 'output'), appendPointer(pointer, 'output'));
    const input = toJsonSchema(own(raw, 'input'));
    const output = toJsonSchema(own(raw, 'output'));
    if (name === undefined || description === undefined || handler === undefined) return;
    actions.push({
      name,
      description,
      ...(input !== undefined ? { input } : {}),
      ...(output !== undefined ? { output } : {}),
      handler,
      source: sourceOf(context, pointer),
    });
  });
  return actions;
}

const HTTP_METHODS = new Set<string>(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);

function readHandler(context: NormalizeContext, action: JsonObject, pointer: string): Handler | undefined {
  const handler = readObject(action, 'handler');
  if (handler === undefined) return undefined;
  const http = readObject(handler, 'http');
  if (http !== undefined) {
    const url = readString(http, 'url');
    const method = readString(http, 'method');
    if (url === undefined || method === undefined || !HTTP_METHODS.has(method)) return undefined;
    const httpPointer = appendPointer(pointer, 'http');
    const timeoutMs = readDurationMs(context, http, 'timeout', httpPointer);
    const retry = readRetryPolicy(context, http, httpPointer, 'snake');
    const urlValidation = readUrlValidation(http);
    return {
      type: 'http',
      url,
      method: method as HttpMethod,
      headers: readStringMap(http, 'headers') ?? cloneObject({}),
      ...(has(http, 'body') ? { body: cloneJson(own(http, 'body')!) } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retry !== undefined ? { retry } : {}),
      ...(urlValidation !== undefined ? { urlValidation } : {}),
    } as Handler;
  }
  const fn = readString(handler, 'function');
  if (fn !== undefined) return { type: 'function', function: fn };
  const command = readString(handler, 'command');
  if (command !== undefined) {
    const workingDir = readString(handler, 'working_dir');
    const timeoutMs = readDurationMs(context, handler, 'timeout', pointer);
    const security = readObject(handler, 'security');
    const allowedCommands = security === undefined ? undefined : readStrings(security, 'allowedCommands');
    return {
      type: 'command',
      command,
      args: readStrings(handler, 'args') ?? [],
      env: readStringMap(handler, 'env') ?? cloneObject({}),
      ...(workingDir !== undefined ? { workingDir } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(allowedCommands !== undefined ? { allowedCommands } : {}),
      ...(security !== undefined ? { security: cloneObject(security) } : {}),
    } as Handler;
  }
  const kafka = readObject(handler, 'kafka');
  if (kafka !== undefined) {
    const topic = readString(kafka, 'topic');
    if (topic === undefined) return undefined;
    const responseTopic = readString(kafka, 'response_topic');
    const timeoutMs = readDurationMs(context, kafka, 'timeout', appendPointer(pointer, 'kafka'));
    const key = readString(kafka, 'key');
    return {
      type: 'kafka',
      topic,
      ...(responseTopic !== undefined ? { responseTopic } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(key !== undefined ? { key } : {}),
    };
  }
  const mcp = readObject(handler, 'mcp');
  const tool = mcp === undefined ? undefined : readString(mcp, 'tool');
  if (mcp === undefined || tool === undefined) return undefined;
  const endpoint = readString(mcp, 'endpoint');
  return { type: 'mcp', tool, ...(endpoint !== undefined ? { endpoint } : {}) };
}

/**
 * Reads `urlValidation`. `requireHTTPS: true` is folded into `allowedSchemes` (only `https`), so the
 * egress guard has one list to enforce.
 */
function readUrlValidation(http: JsonObject): UrlValidation | undefined {
  const raw = readObject(http, 'urlValidation');
  if (raw === undefined) return undefined;
  const result: { -readonly [K in keyof UrlValidation]: UrlValidation[K] } = {};
  for (const key of ['allowedDomains', 'blockedDomains', 'allowedSchemes', 'blockedIpRanges'] as const) {
    const value = readStrings(raw, key);
    if (value !== undefined) result[key] = value;
  }
  for (const key of ['allowedPorts', 'blockedPorts'] as const) {
    const value = readArray(raw, key);
    if (value !== undefined) result[key] = value.filter((item): item is number => typeof item === 'number');
  }
  if (readBoolean(raw, 'requireHTTPS') === true) {
    const schemes = result.allowedSchemes ?? ['https'];
    result.allowedSchemes = schemes.filter((scheme) => scheme.toLowerCase() === 'https');
    if (result.allowedSchemes.length === 0) result.allowedSchemes = ['https'];
  }
  return result;
}
