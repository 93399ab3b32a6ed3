/**
 * Interpolation of connector handler configs (spec §2.6): `${input.field}`, `${env.NAME}`,
 * `${secrets.NAME}`, bare `${NAME}` (secrets first, then env) and `{{ }}` templates over the same
 * trusted scope. Handler configs are written by connector authors, so they may read secrets; the
 * substituted values are still never parsed again.
 */
import { acquireContext, releaseContext, Site } from './evaluation-context.js';
import { resolveLimits } from './limits.js';
import { type CompileOptions, getProgram, toExpressionError } from './program.js';
import { toText } from './values.js';

/** The trusted scope of a handler config. */
export interface ConfigScope {
  readonly input?: unknown;
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets?: Readonly<Record<string, string>>;
}

/** The interpolated text and the names of the secrets it used. */
export interface ConfigInterpolation {
  readonly value: string;
  readonly secrets: readonly string[];
}

/**
 * Interpolates a handler-config string. `$${` writes a literal `${`. A missing `${input.x}` is
 * empty; a missing `${env.X}`, `${secrets.X}` or `${NAME}` is `CONFIG_UNRESOLVED`; anything else
 * inside `${}` is `CONFIG_REFERENCE`.
 *
 * @example
 * interpolateConfig('Bearer ${API_KEY}', { secrets: { API_KEY: 'k' } });
 * // { value: 'Bearer k', secrets: ['API_KEY'] }
 */
export function interpolateConfig(
  text: string,
  scope: ConfigScope,
  options?: CompileOptions,
): ConfigInterpolation {
  const limits = resolveLimits(options?.limits);
  const context = acquireContext(limits);
  try {
    const program = getProgram(text, 'config', limits);
    const rendered = program.execute(
      { input: scope.input, env: scope.env, secrets: scope.secrets },
      context,
      undefined,
    );
    const value = toText(rendered, context, new Site(text, 0, text.length));
    return { value, secrets: [...(context.secrets ?? [])] };
  } catch (error) {
    throw toExpressionError(error);
  } finally {
    releaseContext(context);
  }
}
