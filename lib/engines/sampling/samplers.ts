// Samplers: pick one token id from a processed row of logits.
import { softmax } from './logits-processors.ts';
import type { Rng } from './rng.ts';

/** Index of the largest value; the first one wins ties, like torch.argmax. */
export function argmax(values: ArrayLike<number>, start = 0, end = values.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (values[i]! > values[best]!) best = i;
  return best - start;
}

export type Sampler = (logits: Float64Array) => number;

export const greedySampler: Sampler = (logits) => argmax(logits);

/** Draws from softmax(logits) with one uniform number. */
export function multinomialSampler(rng: Rng): Sampler {
  return (logits) => {
    const probs = softmax(logits);
    let u = rng.next();
    for (let i = 0; i < probs.length; i++) {
      u -= probs[i]!;
      if (u < 0) return i;
    }
    return argmax(probs); // rounding left a sliver: take the likeliest token
  };
}
