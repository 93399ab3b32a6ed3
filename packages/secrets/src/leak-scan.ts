/** How a secret was found in text by {@link findSecretLeaks}. */
export type LeakForm = 'plain' | 'line' | 'url' | 'json' | 'xml' | 'shell' | 'base64';

/**
 * Canary scanning for tests and conformance runs: every form in which `secret` can be recovered
 * from `text`. It works by decoding (URL, JSON and XML unescaping, shell unquoting, base64 and
 * base64url of every run of base64 characters at each alignment), not by re-encoding, so it checks
 * the masker independently of the encodings the masker searches for. Lines of a multi-line secret
 * count when they are at least `minLineLength` characters long.
 *
 * @example
 * expect(findSecretLeaks(logOutput, 'sk-CANARY-42')).toEqual([]);
 */
export function findSecretLeaks(text: string, secret: string, minLineLength = 8): LeakForm[] {
  const found = new Set<LeakForm>();
  const contains = (haystack: string) => haystack.includes(secret);
  if (contains(text)) found.add('plain');
  const lines = secret.split(/\r\n|\r|\n/).filter((line) => line.trim().length >= minLineLength);
  if (lines.length > 1 && lines.some((line) => text.includes(line.trim()))) found.add('line');
  if (contains(urlDecode(text))) found.add('url');
  if (contains(jsonUnescape(text)) || contains(jsonUnescape(jsonUnescape(text)))) found.add('json');
  if (contains(xmlUnescape(text))) found.add('xml');
  if (contains(text.replaceAll("'\\''", "'").replace(/\\(["\\$`])/g, '$1'))) found.add('shell');
  const bytes = Buffer.from(secret, 'utf8');
  for (const run of text.match(/[A-Za-z0-9+/_-]{6,}={0,2}/g) ?? []) {
    for (let skip = 0; skip < 4 && !found.has('base64'); skip++) {
      const part = run.slice(skip);
      if (Buffer.from(part, 'base64').includes(bytes) || Buffer.from(part, 'base64url').includes(bytes)) {
        found.add('base64');
      }
    }
  }
  return [...found];
}

function urlDecode(text: string): string {
  return text.replaceAll('+', ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function jsonUnescape(text: string): string {
  const simple: Record<string, string> = {
    '"': '"',
    '\\': '\\',
    '/': '/',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
  };
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_match, sequence: string) =>
    sequence.length === 5 ? String.fromCharCode(Number.parseInt(sequence.slice(1), 16)) : simple[sequence]!,
  );
}

function xmlUnescape(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_match, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return named[entity]!;
  });
}
