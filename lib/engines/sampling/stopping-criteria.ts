// Stopping criteria for autoregressive decoding.
import type { StopReason } from '../types.ts';

export type StoppingCriterion = (generated: readonly number[]) => StopReason | null;

export function stopOnEos(eosTokenId: number): StoppingCriterion {
  return (generated) => (generated.at(-1) === eosTokenId ? 'eos' : null);
}

export function stopAtMaxTokens(maxNewTokens: number): StoppingCriterion {
  return (generated) => (generated.length >= maxNewTokens ? 'max_tokens' : null);
}

export function firstStop(criteria: readonly StoppingCriterion[], generated: readonly number[]): StopReason | null {
  for (const criterion of criteria) {
    const reason = criterion(generated);
    if (reason) return reason;
  }
  return null;
}
