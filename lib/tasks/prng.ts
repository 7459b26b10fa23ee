// Seeded pseudo-random numbers for the task generators. Every record gets its own stream, keyed by a
// string such as "sort|16|7|0", so a record never depends on how many others were generated before it.
// The key is hashed to 128 bits (four 32-bit lanes) and drives xoshiro128**, which is fast, has a
// 2^128 - 1 period, and makes accidental stream collisions between different keys negligible.

/** One 32-bit lane of the key hash: a multiply-xor pass over the characters, then a final avalanche. */
function hashLane(key: string, laneSeed: number): number {
  let h = laneSeed >>> 0;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= key.length;
  // Avalanche so that keys differing in one character differ in about half of the bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const LANE_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

function rotateLeft(x: number, bits: number): number {
  return ((x << bits) | (x >>> (32 - bits))) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(key: string) {
    [this.s0, this.s1, this.s2, this.s3] = LANE_SEEDS.map((seed) => hashLane(key, seed)) as [number, number, number, number];
    // xoshiro must not start from the all-zero state.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  uint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n), without modulo bias; n must be in 1..2^32. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`Rng.below: bad bound ${n}`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n); // reject the incomplete last block
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.below(items.length)]!;
  }

  /** `count` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += alphabet[this.below(alphabet.length)];
    return out;
  }
}
