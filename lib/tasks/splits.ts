// Train and eval data come from disjoint generator streams: the user-facing seed S (0..999,999,999)
// becomes stream seed S for "train" and S + 1,000,000,000 for "eval". Because train stream seeds are
// always below 1e9 and eval ones at or above it, no eval record can share a random stream with any
// train record, whatever seeds the two sets were generated with. (For short lengths the item space
// itself is small, e.g. 36 one-symbol copy prompts, or the few code programs of 8..40 characters, so
// equal items can still occur in both by chance; filter on prompt if that matters.)

export const SPLITS = ['train', 'eval'] as const;
export type Split = (typeof SPLITS)[number];

export const MAX_SEED = 999_999_999;
export const EVAL_SEED_OFFSET = 1_000_000_000;

export function isSplit(value: string): value is Split {
  return (SPLITS as readonly string[]).includes(value);
}

/** The seed that actually keys the random streams for records of `split`. */
export function streamSeed(seed: number, split: Split): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer in 0..${MAX_SEED}, got ${seed}`);
  }
  return split === 'eval' ? seed + EVAL_SEED_OFFSET : seed;
}
