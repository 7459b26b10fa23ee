// Seeded random numbers for sampling, Gumbel noise and random remasking: same seed, same choices.

export interface Rng {
  next(): number; // uniform in [0, 1) with 53 random bits
  nextOpen(): number; // uniform in (0, 1): safe inside log(-log(u))
}

/** xoshiro128** seeded through splitmix32; two 32-bit draws make one float64. */
export function createRng(seed: number): Rng {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = Uint32Array.of(splitmix(), splitmix(), splitmix(), splitmix()); // uint32 wrap-around for free
  const next32 = () => {
    const m = Math.imul(s[1]!, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s[1]! << 9;
    s[2] ^= s[0]!;
    s[3] ^= s[1]!;
    s[1] ^= s[2]!;
    s[0] ^= s[3]!;
    s[2] ^= t;
    s[3] = (s[3]! << 11) | (s[3]! >>> 21);
    return result;
  };
  const next = () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return {
    next,
    nextOpen: () => {
      let u = next();
      while (u === 0) u = next();
      return u;
    },
  };
}
