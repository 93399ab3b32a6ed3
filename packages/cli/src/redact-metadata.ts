/**
 * Best-effort removal of credential-shaped strings from metadata the CLI prints without running
 * anything (`list`, `describe`). A run's own output is masked with the real secret values by the
 * secrets runtime; this covers literals someone committed into a description or a default.
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g, // OpenAI / Anthropic style keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
  /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, // passwords in URLs
];

/** The placeholder that replaces a credential-shaped string. */
export const REDACTED = '[REDACTED]';

/** Replaces credential-shaped substrings of `text` with {@link REDACTED}. */
export function redactCredentials(text: string): string {
  let result = text;
  for (const pattern of CREDENTIAL_PATTERNS) {
    result = result.replace(pattern, (match, prefix: unknown) => {
      if (typeof prefix === 'string' && /^(?:Bearer|Basic)$/i.test(prefix)) return `${prefix} ${REDACTED}`;
      if (typeof prefix === 'string' && prefix.includes('://')) return `${prefix}${REDACTED}@`;
      return match.length > 0 ? REDACTED : match;
    });
  }
  return result;
}

/** {@link redactCredentials} applied to every string of a JSON-like value. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = redactValue(item);
    return result as T;
  }
  return value;
}

/** Cuts `text` to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
