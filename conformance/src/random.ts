/**
 * A seeded pseudo-random source (SplitMix32-style mixing). Everything random in a suite run —
 * namespace nonces, canary values, the order cases start in — comes from one seed, printed in
 * every report, so `--seed` replays a run exactly.
 */

export interface Random {
  /** A uniformly distributed 32-bit unsigned integer. */
  next(): number;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    next,
    hex(length) {
      let out = '';
      while (out.length < length) out += next().toString(16).padStart(8, '0');
      return out.slice(0, length);
    },
    shuffle(items) {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
}
