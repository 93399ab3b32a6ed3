import { randomInt, randomUUID } from 'node:crypto';

/** Mints run ids, interrupt ids and conversation ids. Inject a deterministic one in tests. */
export type IdGenerator = () => string;

/** A number in [0, 1), used only for retry jitter. Inject a seeded one for reproducible runs. */
export type RandomSource = () => number;

/** Random UUIDs (v4): the default id generator. */
export const uuidGenerator: IdGenerator = () => randomUUID();

/** Cryptographic randomness in [0, 1): the default random source. */
export const cryptoRandom: RandomSource = () => randomInt(0, 2 ** 48 - 1) / 2 ** 48;

/**
 * Ids `prefix-1`, `prefix-2`, …: deterministic, readable in test output.
 *
 * @example
 * const engine = createEngine({ idGenerator: sequentialIds('run') });
 */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let next = 0;
  return () => `${prefix}-${++next}`;
}
