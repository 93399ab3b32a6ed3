import type {
  Action,
  Agent,
  Connector,
  Guardrails,
  JsonObject,
  JsonValue,
  Workflow,
} from '@openworkflow/schemas';
import { OpenWorkflowError } from './errors.js';
import type { HandlerContext } from './handler.js';

/** What a backend can execute. */
export type BackendCapability = 'action' | 'agent' | 'workflow';

/** Run a connector action somewhere other than the local handlers. */
export interface ActionRequest {
  readonly kind: 'action';
  readonly connector: Connector;
  readonly action: Action;
  readonly input: JsonObject;
}

/** Run an agent (agent steps, and handoffs with `handoff` set). */
export interface AgentRequest {
  readonly kind: 'agent';
  /** The reference as written in the step (`agent:ns/name@1.0.0`). */
  readonly agentRef: string;
  readonly agent: Agent;
  readonly input: JsonObject;
  /** Per-step guardrails (`maxTokens`, `maxToolCalls`, …) that override the agent's defaults. */
  readonly guardrails?: Guardrails;
  /** Present for `handoff` steps. */
  readonly handoff?: { readonly reason: JsonValue; readonly context: JsonValue };
}

/** Run a whole workflow (a subworkflow step delegated to a remote runtime). */
export interface WorkflowRequest {
  readonly kind: 'workflow';
  readonly workflow: Workflow;
  readonly inputs: JsonObject;
}

export type BackendRequest = ActionRequest | AgentRequest | WorkflowRequest;

/**
 * The execution context a backend receives: the handler context (run/workflow/step ids, attempt,
 * idempotency key, secrets, environment, trace id, deadline, AbortSignal) plus free metadata.
 */
export interface BackendContext extends HandlerContext {
  readonly backend: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

/**
 * An execution backend (spec §14): `native` agents, LangChain, a remote runtime over HTTP…
 * `execute` returns the step output or throws; an `OpenWorkflowError` keeps its code, anything
 * else becomes `BACKEND_ERROR` with `details.backend` and `details.original_error`.
 *
 * @example
 * const echo: Backend = {
 *   name: 'echo', version: '1.0.0', capabilities: ['agent'],
 *   async execute(request) { return request.kind === 'agent' ? request.input : null; },
 * };
 */
export interface Backend {
  readonly name: string;
  readonly version: string;
  readonly capabilities: readonly BackendCapability[];
  execute(request: BackendRequest, context: BackendContext): Promise<JsonValue>;
}

/** Backend names that mean another one (`smartify` is the spec's old name for `native`). */
const BACKEND_ALIASES: Readonly<Record<string, string>> = { smartify: 'native' };

/** The name a backend is registered under, after aliases. */
export function canonicalBackendName(name: string): string {
  return BACKEND_ALIASES[name] ?? name;
}

/**
 * Registered backends by name. `native` actions never need one (they run on the engine's handler
 * executors); everything else is looked up here.
 */
export class BackendRegistry {
  readonly #backends = new Map<string, Backend>();

  constructor(backends: Iterable<Backend> = []) {
    for (const backend of backends) this.register(backend);
  }

  /** Adds or replaces the backend with this name. */
  register(backend: Backend): this {
    this.#backends.set(canonicalBackendName(backend.name), backend);
    return this;
  }

  get(name: string): Backend | undefined {
    return this.#backends.get(canonicalBackendName(name));
  }

  list(): readonly Backend[] {
    return [...this.#backends.values()];
  }

  /**
   * The backend for `capability`, or `UNAVAILABLE` with `details.backend` and an install hint in
   * `details.suggestion` when none is registered (or it cannot run this kind of request).
   */
  require(name: string, capability: BackendCapability): Backend {
    const backend = this.get(name);
    if (backend === undefined) {
      throw new OpenWorkflowError('UNAVAILABLE', `Backend '${name}' is not available`, {
        details: {
          backend: name,
          suggestion: `Install and register the '${name}' backend (for example @openworkflow/backend-${name}) or remove the override`,
        },
      });
    }
    if (!backend.capabilities.includes(capability)) {
      throw new OpenWorkflowError('UNAVAILABLE', `Backend '${name}' cannot execute ${capability} steps`, {
        details: { backend: name, capability, suggestion: `Use a backend that supports ${capability} steps` },
      });
    }
    return backend;
  }
}
