const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const BRAND = Symbol.for('openworkflow.secret');

/**
 * A secret value that does not print itself (security case SEC-9). `String(secret)`, template
 * literals, `JSON.stringify`, `util.inspect` and `console.log` all show `[REDACTED:<name>]`; only
 * {@link Secret.reveal} returns the value. The value lives in a private field, so it is not an
 * enumerable property and no spread, `Object.entries` or structured log serializer can reach it.
 *
 * @example
 * const token = new Secret('GITHUB_TOKEN', 'ghp_abc123');
 * `${token}`;      // '[REDACTED:GITHUB_TOKEN]'
 * token.reveal();  // 'ghp_abc123'
 */
export class Secret {
  readonly name: string;
  readonly #value: string;

  constructor(name: string, value: string) {
    this.name = name;
    this.#value = value;
    Object.defineProperty(this, BRAND, { value: true });
    Object.freeze(this);
  }

  /** True for secrets made by any copy of this package (realm-safe, no `instanceof`). */
  static is(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** The plain value: call it only where the value is handed to its consumer (a header, a client). */
  reveal(): string {
    return this.#value;
  }

  /** The placeholder every sink shows instead of the value. */
  get redacted(): string {
    return redactedToken(this.name);
  }

  toString(): string {
    return this.redacted;
  }

  toJSON(): string {
    return this.redacted;
  }

  [Symbol.toPrimitive](): string {
    return this.redacted;
  }

  [INSPECT](): string {
    return this.redacted;
  }
}

/** `[REDACTED:<name>]`: what a masked secret value is replaced by everywhere. */
export function redactedToken(name: string): string {
  return `[REDACTED:${name}]`;
}
