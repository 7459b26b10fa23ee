// Turns one position's logits into a proposed token and the confidence score the remasking policy ranks by.
// Everything here is float64: the Gumbel trick and small probability gaps need the precision (LLaDA does the same).
import type { RemaskingPolicy } from '../types.ts';
import type { Rng } from '../sampling/rng.ts';

export interface Proposal {
  tokenId: number; // argmax of (noised) logits
  confidence: number; // higher = commit sooner
}

/**
 * Proposes a token for one masked position from logits[offset .. offset + vocab).
 * The <mask> token is never proposed (it is no answer); probabilities still include it.
 * - temperature 0: argmax; otherwise Gumbel-max, argmax(l − T·log(−log u)), equal to LLaDA's exp(l)/(−log u)^T.
 * - low_confidence: softmax probability of the proposed token (LLaDA).
 * - random: a uniform draw, ignoring the model (LLaDA/MDLM).
 * - margin: top-1 minus top-2 probability (Dream).
 * - entropy: negative entropy of the distribution (Dream): peaked distributions go first.
 */
export function proposeToken(
  logits: Float32Array,
  offset: number,
  vocab: number,
  policy: RemaskingPolicy,
  temperature: number,
  rng: Rng,
  maskTokenId: number,
  suppressedTokenIds: readonly number[] = [], // also never proposed here (the stop ids before minNewTokens)
): Proposal {
  let tokenId = 0;
  let best = -Infinity;
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const l = logits[offset + v]!;
    if (l > max) max = l;
    if (v === maskTokenId || (suppressedTokenIds.length > 0 && suppressedTokenIds.includes(v))) continue; // never propose <mask> itself: that would commit nothing
    const score = temperature > 0 ? l - temperature * Math.log(-Math.log(rng.nextOpen())) : l;
    if (score > best) {
      best = score;
      tokenId = v;
    }
  }
  if (policy === 'random') return { tokenId, confidence: rng.next() };

  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  const probability = (v: number) => Math.exp(logits[offset + v]! - max) / sum;

  switch (policy) {
    case 'low_confidence':
      return { tokenId, confidence: probability(tokenId) };
    case 'margin': {
      let first = 0;
      let second = 0;
      for (let v = 0; v < vocab; v++) {
        const p = probability(v);
        if (p > first) {
          second = first;
          first = p;
        } else if (p > second) second = p;
      }
      return { tokenId, confidence: first - second };
    }
    case 'entropy': {
      let negativeEntropy = 0;
      for (let v = 0; v < vocab; v++) {
        const p = probability(v);
        if (p > 0) negativeEntropy += p * Math.log(p);
      }
      return { tokenId, confidence: negativeEntropy };
    }
  }
}
