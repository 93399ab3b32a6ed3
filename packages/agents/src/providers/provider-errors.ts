import { type ErrorCode, OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';

/** The taxonomy code of an HTTP status from a model API (spec/agents-execution.md, "Errors"). */
export function codeForModelStatus(status: number): ErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408) return 'TIMEOUT';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 400 || status === 404 || status === 413 || status === 422) return 'VALIDATION';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BACKEND_ERROR';
}

/**
 * Classifies an error thrown by an official provider SDK (both use the same error classes: an
 * `APIError` with `status`, and connection, time-out and abort subclasses) without importing it.
 */
export function providerError(error: unknown, provider: string, model: string): OpenWorkflowError {
  if (error instanceof OpenWorkflowError) return error;
  const name = error instanceof Error ? error.constructor.name : '';
  const status = (error as { status?: unknown } | null)?.status;
  const details: JsonObject = { provider, model, error_type: name || typeof error };
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'APIUserAbortError') {
    return new OpenWorkflowError('CANCELED', `${provider} call aborted`, { details, cause: error });
  }
  if (name === 'APIConnectionTimeoutError') {
    return new OpenWorkflowError('TIMEOUT', `${provider} did not answer in time`, { details, cause: error });
  }
  if (typeof status === 'number') {
    details.status = status;
    const body = (error as { error?: { type?: unknown; error?: { type?: unknown } } }).error;
    const type = body?.error?.type ?? body?.type;
    if (typeof type === 'string') details.provider_error_type = type;
    return new OpenWorkflowError(codeForModelStatus(status), `${provider}: ${message}`, {
      details,
      cause: error,
    });
  }
  if (name === 'APIConnectionError') {
    return new OpenWorkflowError('UNAVAILABLE', `${provider} could not be reached`, {
      details,
      cause: error,
    });
  }
  return new OpenWorkflowError('BACKEND_ERROR', `${provider}: ${message}`, { details, cause: error });
}

/** A missing optional SDK: `UNAVAILABLE` with the install command. */
export function missingSdk(provider: string, pkg: string, cause: unknown): OpenWorkflowError {
  return new OpenWorkflowError('UNAVAILABLE', `The ${provider} provider needs the '${pkg}' package`, {
    details: { provider, package: pkg, suggestion: `npm install ${pkg}` },
    cause,
  });
}
