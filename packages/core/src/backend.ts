import type {
  Action,
  Agent,
  Connector,
  Guardrails,
  JsonObject,
  JsonValue,
  Workflow,
} from '@openworkflow/schemas';
import type { Clock } from './clock.js';
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

/** The event types a backend may add to the run log while it works (spec/events.md, "Agent events"). */
export type AgentEventType = 'agent.delta' | 'agent.tool-call' | 'agent.usage';

/** A human confirmation a backend asks for (an agent's `requireConfirmation` tool call). */
export interface ConfirmationRequest {
  /**
   * Names this confirmation within the step attempt (`tool-3`). The interrupt id is
   * `interrupt:<runId>:<path>:<key>`, so a resumed run that asks again finds the recorded decision.
   */
  readonly key: string;
  readonly message: JsonValue;
  /** Who may decide (empty: anyone). */
  readonly approvers?: readonly string[];
  /** Default: `limits.maxEventWaitMs`. */
  readonly timeoutMs?: number;
}

/** The decision on a {@link ConfirmationRequest}. */
export interface ConfirmationDecision {
  readonly approved: boolean;
  readonly timedOut: boolean;
  readonly interruptId: string;
  readonly by?: string;
  readonly comment?: string;
}

/** One connector action called by a backend on the engine's own handlers (an agent's tool call). */
export interface ToolActionRequest {
  readonly connector: Connector;
  readonly action: Action;
  readonly input: JsonObject;
  /** Distinguishes this call's idempotency key from the step's (`tool-3`). */
  readonly key: string;
}

/**
 * The execution context a backend receives: the handler context (run/workflow/step ids, attempt,
 * idempotency key, secrets, environment, trace id, deadline, AbortSignal) plus free metadata, and
 * the engine services an agent loop needs: the clock, the run's connectors and handlers, the event
 * log and approvals.
 */
export interface BackendContext extends HandlerContext {
  readonly backend: string;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** The engine's clock (a `FakeClock` in tests): rate limits and backoff must use it. */
  readonly clock: Clock;
  /** Resolves a connector reference with the engine's resolver (`undefined` when unknown). */
  connector(reference: string): Promise<Connector | undefined>;
  /**
   * Runs a connector action on the engine's handler executor for its handler type, after applying
   * the action's input schema defaults and validating (`VALIDATION` on mismatch). Errors are
   * `OpenWorkflowError`s with the handler's code.
   */
  invokeAction(request: ToolActionRequest): Promise<JsonValue>;
  /** Appends an agent event to the run log (step id, path and attempt are filled in). */
  emit(type: AgentEventType, data: JsonObject): void;
  /**
   * Suspends the step until a person decides (`interrupt.requested` with `kind:
   * tool-confirmation`; `resolveInterrupt` answers it). While it waits the attempt's time limit
   * is paused and the step does not count as work, so the run is `suspended`.
   */
  requestConfirmation(request: ConfirmationRequest): Promise<ConfirmationDecision>;
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
