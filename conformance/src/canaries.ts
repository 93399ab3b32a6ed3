/**
 * Secret canaries: fresh secret values planted in a case, which must never come back on any
 * surface the target reports (events, results, diagnostics, stderr) — neither verbatim nor in the
 * encodings a careless runtime would leak them in (base64 at any alignment, base64url, hex, URL
 * and JSON escaping).
 */
import type { Random } from './random.js';

/** Creates the canary values of one case run, one per name. */
export function createCanaries(random: Random): {
  readonly values: Map<string, string>;
  get(name: string): string;
} {
  const values = new Map<string, string>();
  return {
    values,
    get(name) {
      let value = values.get(name);
      if (value === undefined) {
        value = `owc-canary-${name}-${random.hex(16)}`;
        values.set(name, value);
      }
      return value;
    },
  };
}

/**
 * Every spelling of `secret` to look for. Base64 of a secret embedded in a longer string depends
 * on its offset modulo 3, so each of the three alignments contributes the stable middle part.
 */
export function leakForms(secret: string): { readonly form: string; readonly text: string }[] {
  const forms = [
    { form: 'verbatim', text: secret },
    { form: 'url-encoded', text: encodeURIComponent(secret) },
    { form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) },
    { form: 'hex', text: Buffer.from(secret).toString('hex') },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from(`${'\0'.repeat(shift)}${secret}`).toString('base64');
    // Drop the characters that mix padding bytes with the secret, at both ends.
    const start = shift === 0 ? 0 : Math.ceil((shift * 4) / 3);
    const stable = encoded.slice(start, encoded.length - 4);
    forms.push({ form: `base64 (offset ${shift})`, text: stable });
    forms.push({
      form: `base64url (offset ${shift})`,
      text: stable.replaceAll('+', '-').replaceAll('/', '_'),
    });
  }
  return forms.filter((f, i, all) => all.findIndex((g) => g.text === f.text) === i);
}

/** The first leak of `secret` found in the named surfaces, if any. */
export function findLeak(
  secret: string,
  surfaces: Readonly<Record<string, string>>,
): { readonly surface: string; readonly form: string } | undefined {
  const forms = leakForms(secret);
  for (const [surface, text] of Object.entries(surfaces)) {
    for (const { form, text: needle } of forms) {
      if (text.includes(needle)) return { surface, form };
    }
  }
  return undefined;
}
