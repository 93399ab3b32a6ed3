import { MIN_SECRET_LENGTH } from './limits.js';

/**
 * The forms in which a secret value can surface in text, each of which the masker looks for
 * (security case SEC-3). The set follows the GitHub Actions runner's value encoders: the value,
 * every line of a multi-line value, base64 and base64url as they appear at any byte offset inside a
 * longer encoded string (`base64("user:" + password)`), URL-encoding, JSON string escaping (with and
 * without `\uXXXX` for non-ASCII, and escaped twice), XML escaping and shell quoting. Forms shorter than
 * {@link MIN_SECRET_LENGTH} are dropped: a two-character fragment would match everywhere.
 */
export function secretVariants(value: string): string[] {
  const variants = new Set<string>();
  const add = (form: string) => {
    if (form.length >= MIN_SECRET_LENGTH) variants.add(form);
  };
  add(value);
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r\n|\r|\n/)) {
      add(line);
      add(line.trim());
    }
  }
  for (const form of base64Forms(Buffer.from(value, 'utf8'))) add(form);
  const uri = encodeURIComponent(value);
  add(uri);
  add(uri.replace(/%[0-9A-F]{2}/g, (sequence) => sequence.toLowerCase()));
  // application/x-www-form-urlencoded (URLSearchParams) also escapes ! ' ( ) ~ and writes spaces as +.
  const form = uri.replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  add(form);
  add(form.replaceAll('%20', '+'));
  add(encodeURI(value));
  const json = JSON.stringify(value).slice(1, -1);
  add(json);
  add(json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
  add(json.replaceAll('/', '\\/'));
  // A JSON string inside a JSON string (a body logged as a field of a JSON log line).
  add(JSON.stringify(json).slice(1, -1));
  const xml = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  add(xml.replaceAll('"', '&quot;').replaceAll("'", '&apos;'));
  add(xml.replaceAll('"', '&quot;').replaceAll("'", '&#39;'));
  // Inside '…' a quote is written '\'' ; inside "…" the characters " \ $ ` take a backslash.
  add(value.replaceAll("'", "'\\''"));
  add(value.replace(/["\\$`]/g, (char) => `\\${char}`));
  return [...variants];
}

/**
 * The base64 and base64url text that encodes `bytes` wherever they start inside a longer byte
 * string. A base64 character covers six bits, so when the secret starts at byte offset 1 or 2 of a
 * three-byte group, the characters at its edges mix in neighbouring bytes; only the characters
 * whose six bits all come from the secret are stable, and those are what can be searched for.
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [bytes.toString('base64'), bytes.toString('base64url')];
  for (let offset = 0; offset < 3; offset++) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    forms.push(shifted.toString('base64').slice(first, end), shifted.toString('base64url').slice(first, end));
  }
  return forms;
}
