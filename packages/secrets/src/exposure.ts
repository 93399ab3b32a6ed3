import { OpenWorkflowError } from '@openworkflow/core';
import type { Redactor } from './redactor.js';

/** Where a secret value was found in an output, by secret name (never by value). */
export interface SecretExposure {
  /** Dotted path inside the output (`data.items[2].token`); `(root)` for the output itself. */
  readonly field: string;
  readonly secret: string;
}

/** What produced the output being checked: a step or the workflow's `outputs`. */
export type OutputOwner = { readonly step: string } | { readonly workflow: string };

/**
 * Every place in `value` where a registered secret value (in any encoding the masker knows)
 * appears, in document order: in strings and in object keys.
 */
export function findSecretExposures(value: unknown, redactor: Redactor): SecretExposure[] {
  const found: SecretExposure[] = [];
  if (redactor.masker.size === 0) return found;
  const visit = (node: unknown, field: string): void => {
    if (typeof node === 'string') {
      for (const secret of redactor.masker.namesIn(node)) found.push({ field: field || '(root)', secret });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, `${field}[${index}]`);
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const path = field === '' ? key : `${field}.${key}`;
      for (const secret of redactor.masker.namesIn(key)) found.push({ field: path, secret });
      visit(item, path);
    }
  };
  visit(value, '');
  return found;
}

/**
 * The output policy of spec §13.4 for step outputs and workflow outputs (SEC-8). Without
 * `blockOnExposure` the output is returned redacted (secret values masked, sensitive fields
 * replaced), so history and downstream steps see `[REDACTED:<name>]`. With it, the first exposure
 * throws `SECRET_EXPOSURE` with the message
 * `Secret exposure detected in step '<id>' output field '<field>'` (or `workflow '<name>'`); the
 * message and details name the secret and the field, never the value.
 *
 * @example
 * guardOutput({ step: 'fetch' }, { token: 'sk-live-1234' }, redactor, { blockOnExposure: true });
 * // throws SECRET_EXPOSURE: Secret exposure detected in step 'fetch' output field 'token'
 */
export function guardOutput<T>(
  owner: OutputOwner,
  output: T,
  redactor: Redactor,
  options: { readonly blockOnExposure?: boolean } = {},
): T {
  if (options.blockOnExposure === true) {
    const [first] = findSecretExposures(output, redactor);
    if (first !== undefined) {
      const who = 'step' in owner ? `step '${owner.step}'` : `workflow '${owner.workflow}'`;
      // Field names come from data and could themselves be secret: they go through the masker.
      const field = redactor.text(first.field);
      throw new OpenWorkflowError(
        'SECRET_EXPOSURE',
        redactor.text(`Secret exposure detected in ${who} output field '${field}'`),
        {
          details: {
            ...('step' in owner ? { step_id: owner.step } : { workflow: owner.workflow }),
            field,
            secret_name: first.secret,
          },
        },
      );
    }
  }
  return redactor.value(output);
}
