import { OpenWorkflowError } from '@openworkflow/core';

/** The error for an action routed to the executor of another handler type (an engine bug). */
export function misrouted(actual: string, expected: string): OpenWorkflowError {
  return new OpenWorkflowError(
    'INTERNAL_ERROR',
    `A '${actual}' handler was routed to the '${expected}' executor`,
    {
      details: { error_type: 'HandlerRouting' },
    },
  );
}

/** A `VALIDATION` failure of a handler config field. */
export function invalidField(message: string, field: string, constraint: string): OpenWorkflowError {
  return new OpenWorkflowError('VALIDATION', message, { details: { field, constraint } });
}

/** A `POLICY_VIOLATION` with the rule that refused the operation. */
export function policyViolation(
  message: string,
  rule: string,
  extra: Readonly<Record<string, unknown>> = {},
): OpenWorkflowError {
  return new OpenWorkflowError('POLICY_VIOLATION', message, { details: { rule, ...extra } });
}
