/**
 * Keyed randomness for `source advance`: every draw is a hash of (seed, day, salt, key), as the
 * generator's rnd(key, salt) is (lake/macros.sql.ts). A draw does not depend on the order rows come
 * back from the database or on what else was drawn, so the same seed and day give the same business.
 * Never Math.random.
 */

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain). */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const TWO_POW_53 = 2 ** 53;

export class Dice {
  /** `day` names the business day (its end instant), so each day draws afresh. */
  constructor(
    private readonly seed: number,
    private readonly day: string,
  ) {}

  /** Uniform on [0, 1) for (salt, key). */
  u(salt: string, key: string | number = ''): number {
    return hash53(`${this.seed}|${this.day}|${salt}|${key}`) / TWO_POW_53;
  }

  /** True with probability p. */
  chance(p: number, salt: string, key: string | number = ''): boolean {
    return this.u(salt, key) < p;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number, salt: string, key: string | number = ''): number {
    return low + Math.floor(this.u(salt, key) * (high - low + 1));
  }

  /** One of `values`, uniformly. */
  pick<T>(values: readonly T[], salt: string, key: string | number = ''): T {
    return values[Math.floor(this.u(salt, key) * values.length)]!;
  }

  /** One of the choices by relative weight (the generator's weightedCase, in JS). */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>, salt: string, key: string | number = ''): T {
    return weightedPick(choices, this.u(salt, key));
  }

  /** Exponential with mean 1. */
  expo(salt: string, key: string | number = ''): number {
    return -Math.log(1 - this.u(salt, key));
  }

  /** About standard normal (Irwin-Hall of 4 uniforms, as the generator's nrm2). */
  normal(salt: string, key: string | number = ''): number {
    return ([1, 2, 3, 4].reduce((sum, i) => sum + this.u(`${salt}:${i}`, key), 0) - 2) * Math.sqrt(3);
  }

  /** `expected` rounded up or down at random, so the long-run mean is exact even when it is below 1. */
  count(expected: number, salt: string): number {
    return Math.floor(expected + this.u(salt));
  }
}

/** The choice whose cumulative weight first exceeds `u` times the total. */
export function weightedPick<T>(choices: ReadonlyArray<readonly [T, number]>, u: number): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let cumulative = 0;
  for (const [value, weight] of choices) {
    cumulative += weight;
    if (u * total < cumulative) return value;
  }
  return choices[choices.length - 1]![0];
}
