// Lengths for mixed-length generation (`--max-length M`): item i of a family gets a length drawn from
// P(L) proportional to 1/L on [family min, min(M, family max)], so short items dominate (with M = 256
// about 16% of copy items have L = 1, 8% L = 2, 0.06% L = 256) but every length appears. The draw uses
// its own random stream keyed by (family, M, split seed, index), so the record for (length, seed,
// index) is identical to the one `--length L` would produce and keeps the same task_id.
import { Rng } from './prng.ts';
import { streamSeed, type Split } from './splits.ts';
import type { TaskFamily } from './types.ts';

export interface LengthSampler {
  minLength: number;
  maxLength: number;
  draw(index: number): number;
}

/** Returns undefined when `maxLength` is below the family's minimum length. */
export function lengthSampler(family: TaskFamily, maxLength: number, seed: number, split: Split): LengthSampler | undefined {
  const lo = family.minLength;
  const hi = Math.min(maxLength, family.maxLength);
  if (hi < lo) return undefined;
  // cumulative[k] = sum of 1/L for L = lo..lo+k
  const cumulative: number[] = [];
  let total = 0;
  for (let length = lo; length <= hi; length++) cumulative.push((total += 1 / length));
  const keyPrefix = `${family.name}|mix|${maxLength}|${streamSeed(seed, split)}|`;
  return {
    minLength: lo,
    maxLength: hi,
    draw(index) {
      const target = new Rng(keyPrefix + index).float() * total;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        // first k with cumulative[k] > target
        const mid = (low + high) >> 1;
        if (cumulative[mid]! > target) high = mid;
        else low = mid + 1;
      }
      return lo + low;
    },
  };
}
