import { OpenWorkflowError } from '@openworkflow/core';
import { MAX_PROVIDER_RESPONSE_BYTES } from './limits.js';

/** The `fetch` signature remote providers are given (inject one in tests; default: the global). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** A response body as text, refusing bodies over `MAX_PROVIDER_RESPONSE_BYTES`. */
export async function readCappedText(response: Response, provider: string): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PROVIDER_RESPONSE_BYTES) {
      await reader.cancel();
      throw new OpenWorkflowError(
        'UNAVAILABLE',
        `${provider} response exceeds ${MAX_PROVIDER_RESPONSE_BYTES} bytes`,
        {
          details: { provider, limit: MAX_PROVIDER_RESPONSE_BYTES },
        },
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A network failure or timeout talking to a secrets store: `UNAVAILABLE`, retryable. */
export function unreachable(provider: string, error: unknown): OpenWorkflowError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return new OpenWorkflowError(
    'UNAVAILABLE',
    `${provider} ${timedOut ? 'did not answer in time' : 'cannot be reached'}`,
    {
      details: { provider, error_type: error instanceof Error ? error.name : typeof error },
      cause: error,
    },
  );
}
