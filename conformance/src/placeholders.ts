/**
 * Placeholders in case files. They use `@@NAME@@`, which no OpenWorkflow syntax uses (templates
 * are `{{ }}`/`{% %}`, handler configs `${...}`), so substitution can never rewrite a template.
 *
 * - `@@BEHAVIOUR@@` — the base URL of the case's own namespace on the behaviour server,
 *   `http://127.0.0.1:<port>/ns/<nonce>` (no trailing slash);
 * - `@@BEHAVIOUR_ORIGIN@@` — `http://127.0.0.1:<port>`; `@@BEHAVIOUR_HOST@@` — `127.0.0.1:<port>`;
 * - `@@CANARY:<name>@@` — a fresh secret-looking value per case run; the same name gives the same
 *   value within one case. Every canary is scanned for on every surface the target reports.
 * - `@@CANARY_BASE64:<name>@@` — that canary base64-encoded (for a service that echoes it encoded).
 */
import { isJsonObject, type JsonValue } from './json.js';

const PLACEHOLDER = /@@([A-Z_]+)(?::([a-z0-9_-]+))?@@/g;
const KNOWN = new Set(['BEHAVIOUR', 'BEHAVIOUR_ORIGIN', 'BEHAVIOUR_HOST', 'CANARY', 'CANARY_BASE64']);
const NAMED = new Set(['CANARY', 'CANARY_BASE64']);

export interface PlaceholderValues {
  readonly behaviourUrl: string;
  readonly behaviourOrigin: string;
  /** Returns the canary for a name, creating it on first use. */
  readonly canary: (name: string) => string;
}

/** Problems with the placeholders in one string (unknown names, a canary without a name). */
export function checkPlaceholders(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, name, argument] = match;
    if (!KNOWN.has(name!)) problems.push(`unknown placeholder ${whole}`);
    else if (NAMED.has(name!) !== (argument !== undefined)) {
      problems.push(
        NAMED.has(name!) ? `${whole} needs a name: @@${name}:<name>@@` : `${whole} takes no argument`,
      );
    }
  }
  return problems;
}

/** Replaces every placeholder in a string. */
export function substituteText(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string, argument: string | undefined) => {
    if (name === 'BEHAVIOUR') return values.behaviourUrl;
    if (name === 'BEHAVIOUR_ORIGIN') return values.behaviourOrigin;
    if (name === 'BEHAVIOUR_HOST') return new URL(values.behaviourOrigin).host;
    if (name === 'CANARY' && argument !== undefined) return values.canary(argument);
    if (name === 'CANARY_BASE64' && argument !== undefined) {
      return Buffer.from(values.canary(argument), 'utf8').toString('base64');
    }
    return whole;
  });
}

/** Replaces placeholders in every string of a JSON value (keys included). */
export function substitute<T extends JsonValue>(value: T, values: PlaceholderValues): T {
  if (typeof value === 'string') return substituteText(value, values) as T;
  if (Array.isArray(value)) return value.map((item) => substitute(item, values)) as T;
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [substituteText(k, values), substitute(v, values)]),
    ) as T;
  }
  return value;
}

/** Every string in a JSON value, for placeholder checks. */
export function stringsIn(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isJsonObject(value)) return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}
