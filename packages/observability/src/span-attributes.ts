import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * The span attributes this runtime exports (spec §16.1 plus the extensions spec/observability.md
 * lists). Exporting is allow-list based (security case SEC-15): an attribute outside this list,
 * or whose name looks like a credential, never leaves the process, whoever set it.
 */
export const SPAN_ATTRIBUTES: readonly string[] = [
  'workflow.name',
  'workflow.version',
  'run.id',
  'run.status',
  'run.resumed',
  'step.id',
  'step.path',
  'step.type',
  'step.category',
  'step.status',
  'step.attempt',
  'step.attempts',
  'step.branch',
  'step.iterations',
  'step.join_strategy',
  'step.duration_ms',
  'step.continued',
  'step.skip_reason',
  'backend.name',
  'backend.version',
  'backend.runtime',
  'agent.id',
  'connector.id',
  'error.code',
  'error.type',
  'exception.type',
  'exception.message',
  'retry.delay_ms',
  'retry.next_attempt',
  'signal.name',
  'interrupt.approved',
  // A few OpenTelemetry HTTP semantic conventions, for spans of HTTP instrumentation.
  'http.request.method',
  'http.response.status_code',
  'server.address',
  'server.port',
  'url.scheme',
  'url.path',
];

/** Request headers that may be recorded as `http.request.header.<name>`. */
export const SAFE_HEADERS: readonly string[] = [
  'accept',
  'content-type',
  'content-length',
  'user-agent',
  'x-request-id',
];

const ALLOWED = new Set(SPAN_ATTRIBUTES);
const ALLOWED_HEADERS = new Set(SAFE_HEADERS);
const CREDENTIAL_NAME =
  /authori[sz]ation|cookie|token|secret|passw|api[-_.]?key|credential|session|signature/i;

/**
 * Whether an attribute may be exported: listed in {@link SPAN_ATTRIBUTES} (or a safe request
 * header), and not named like a credential.
 */
export function isExportableAttribute(name: string, extra: ReadonlySet<string> = new Set()): boolean {
  if (CREDENTIAL_NAME.test(name)) return false;
  if (name.startsWith('http.request.header.'))
    return ALLOWED_HEADERS.has(name.slice('http.request.header.'.length));
  return ALLOWED.has(name) || extra.has(name);
}

/**
 * Span attributes for a header map, keeping only {@link SAFE_HEADERS} (`authorization`, cookies and
 * API-key headers are never recorded).
 *
 * @example
 * span.setAttributes(headerAttributes({ authorization: 'Bearer …', 'content-type': 'application/json' }));
 * // only http.request.header.content-type is set
 */
export function headerAttributes(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Attributes {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || !ALLOWED_HEADERS.has(key)) continue;
    attributes[`http.request.header.${key}`] = typeof value === 'string' ? value : [...value];
  }
  return attributes;
}
