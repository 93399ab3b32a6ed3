import { OpenWorkflowError } from '@openworkflow/core';

/**
 * Awaits `promise` and returns the `OpenWorkflowError` it rejected with. Fails the test when it
 * resolved or rejected with anything else.
 */
export async function failureOf(promise: Promise<unknown>): Promise<OpenWorkflowError> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  if (!OpenWorkflowError.is(outcome.error)) throw outcome.error;
  return outcome.error;
}
