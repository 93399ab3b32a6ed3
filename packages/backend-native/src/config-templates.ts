import { OpenWorkflowError, type SecretAccessor } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';

/** What handler-config templates can read: the action input, the environment and the secrets. */
export interface TemplateScope {
  readonly input: JsonObject;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: SecretAccessor;
}

/** A rendered config string and the names of the secrets that went into it. */
export interface RenderedText {
  readonly value: string;
  readonly secrets: readonly string[];
}

/**
 * Renders one handler-config string (`${input.x}`, `${env.X}`, `${secrets.X}`, bare `${NAME}`,
 * `{{ }}`). This is the only place the native handlers touch templates.
 *
 * PENDING: `@openworkflow/expressions` (`interpolateConfig`) has not landed on main yet. Until it
 * does, literal strings pass through and any template syntax is refused rather than guessed at.
 */
export function renderConfigText(text: string, _scope: TemplateScope, field: string): RenderedText {
  if (text.includes('${') || text.includes('{{')) {
    throw new OpenWorkflowError(
      'UNAVAILABLE',
      `Templates in handler configs are not available yet (${field})`,
      {
        details: { field },
      },
    );
  }
  return { value: text, secrets: [] };
}
