import { type HandlerContext, OpenWorkflowError, type SecretAccessor } from '@openworkflow/core';
import { ExpressionError, interpolateConfig } from '@openworkflow/expressions';
import type { Connector, JsonObject } from '@openworkflow/schemas';

/** What handler-config templates can read: the action input, the environment and the secrets. */
export interface TemplateScope {
  readonly input: JsonObject;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: SecretAccessor;
}

/**
 * The scope of one invocation. When the connector declares `runtime.environment`, templates see
 * only those variables (a connector cannot read the rest of the runtime's environment); otherwise
 * the run's whole environment.
 */
export function templateScope(
  connector: Connector,
  input: JsonObject,
  context: HandlerContext,
): TemplateScope {
  const declared = connector.runtime.environment;
  if (declared.length === 0) return { input, env: context.environment, secrets: context.secrets };
  const env: Record<string, string> = {};
  for (const { name } of declared) {
    const value = Object.hasOwn(context.environment, name) ? context.environment[name] : undefined;
    if (value !== undefined) env[name] = value;
  }
  return { input, env, secrets: context.secrets };
}

/** A rendered config string and the names of the secrets that went into it. */
export interface RenderedText {
  readonly value: string;
  readonly secrets: readonly string[];
}

/**
 * Renders one handler-config string (`${input.x}`, `${env.X}`, `${secrets.X}`, bare `${NAME}`,
 * `{{ }}`) with `@openworkflow/expressions`. This is the only place the native handlers touch
 * templates. Substituted values are never parsed again. A malformed template or an unresolved
 * `${env.X}`/`${secrets.X}` is `VALIDATION` naming the config field and the position; the message
 * never contains a substituted value.
 */
export function renderConfigText(text: string, scope: TemplateScope, field: string): RenderedText {
  try {
    return interpolateConfig(text, {
      input: scope.input,
      env: scope.env,
      secrets: visibleSecrets(scope.secrets),
    });
  } catch (error) {
    if (!ExpressionError.is(error)) throw error;
    throw new OpenWorkflowError('VALIDATION', `${field}: ${error.message}`, {
      details: {
        field,
        constraint: error.code === 'CONFIG_UNRESOLVED' ? 'resolved' : 'template',
        expression_code: error.code,
        ...(error.line === undefined ? {} : { line: error.line, column: error.column }),
      },
      cause: error,
    });
  }
}

/** The secrets this handler may see, as the record the interpolator reads. */
function visibleSecrets(accessor: SecretAccessor): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const name of accessor.names()) {
    const value = accessor.get(name);
    if (value !== undefined) secrets[name] = value;
  }
  return secrets;
}
