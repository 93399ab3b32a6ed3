import { pipeline } from 'node:stream/promises';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { OpenWorkflowError } from '@openworkflow/core';
import { MAX_CONTENT_CODINGS } from './limits.js';

type Stage = NodeJS.ReadableStream | NodeJS.WritableStream | ((source: AsyncIterable<Buffer>) => unknown);

// `pipeline`'s overloads cannot type a variable number of stages; this is its documented variadic form.
const runPipeline = pipeline as unknown as (
  ...stages: [...Stage[], { signal?: AbortSignal }]
) => Promise<void>;

// Lenient about a truncated final block, as browsers are; the byte caps still apply.
const ZLIB_OPTIONS = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };

/**
 * Reads a response body, undoing its `Content-Encoding`, and stops as soon as either the bytes
 * on the wire or the decoded bytes pass `maxBytes`. Checking the decoded count is what defeats a
 * decompression bomb: 1 MiB of gzip can expand to 1 GiB, and we stop after `maxBytes`.
 */
export async function readBoundedBody(
  source: NodeJS.ReadableStream,
  contentEncoding: string | undefined,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const decoders = contentCodings(contentEncoding).reverse().map(decoderFor);
  let wireBytes = 0;
  async function* countWire(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) throw responseTooLarge(maxBytes);
      yield chunk;
    }
  }
  const kept: Buffer[] = [];
  let decodedBytes = 0;
  async function collect(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) throw responseTooLarge(maxBytes);
      kept.push(chunk);
    }
  }
  try {
    await runPipeline(source, countWire, ...decoders, collect, signal === undefined ? {} : { signal });
  } catch (error) {
    if (OpenWorkflowError.is(error) || signal?.aborted) throw error;
    if (isZlibError(error)) {
      throw new OpenWorkflowError('BACKEND_ERROR', 'Response body could not be decoded', {
        details: { content_encoding: contentEncoding ?? '' },
        cause: error,
      });
    }
    throw error;
  }
  return Buffer.concat(kept, decodedBytes);
}

/** The codings in the order they were applied, without `identity`. */
function contentCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length > MAX_CONTENT_CODINGS) {
    throw new OpenWorkflowError(
      'POLICY_VIOLATION',
      `Response uses more than ${MAX_CONTENT_CODINGS} content codings`,
      {
        details: { rule: 'max_content_codings', limit: MAX_CONTENT_CODINGS },
      },
    );
  }
  return codings;
}

function decoderFor(coding: string): NodeJS.ReadWriteStream {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      return createInflate(ZLIB_OPTIONS);
    case 'br':
      return createBrotliDecompress();
    default:
      throw new OpenWorkflowError('BACKEND_ERROR', `Response uses unsupported content coding '${coding}'`, {
        details: { content_encoding: coding },
      });
  }
}

/** The refusal for a body over the cap; also used when `Content-Length` announces one. */
export function responseTooLarge(maxBytes: number): OpenWorkflowError {
  return new OpenWorkflowError('POLICY_VIOLATION', `Response body exceeds ${maxBytes} bytes`, {
    details: { rule: 'max_response_bytes', limit_bytes: maxBytes },
  });
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
