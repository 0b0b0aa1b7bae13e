/**
 * A small, fast, seeded pseudo-random number generator (mulberry32) on 32-bit unsigned
 * integers. Deterministic for a given seed on every JavaScript engine, so initial weights,
 * epoch shuffles and dropout masks can be reproduced exactly.
 *
 * Not cryptographic. Period 2^32, good enough for weight init and shuffling.
 */
export class Rng {
  private state: number;

  /** @param seed any number; only its low 32 bits are used. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The whole generator state (a u32): `setState(getState())` continues the same sequence. */
  getState(): number {
    return this.state;
  }

  /** Restores a state returned by getState (checkpoints). */
  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new RangeError(`Rng state must be an integer in [0, 2^32), got ${state}`);
    }
    this.state = state;
  }

  /** Next uniformly distributed unsigned 32-bit integer in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Next float uniformly distributed in [0, 1) (32 bits of randomness). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** Next integer uniformly distributed in [0, n) for 1 <= n <= 2^32 (float scaling, tiny bias for huge n). */
  nextInt(n: number): number {
    if (!(n >= 1)) throw new RangeError(`nextInt: n must be >= 1, got ${n}`);
    return Math.floor(this.nextFloat() * n);
  }

  /** In-place Fisher–Yates shuffle; returns the same array for chaining. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** Convenience factory: `createRng(seed)` is `new Rng(seed)`. */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}
