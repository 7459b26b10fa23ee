// Stopping criteria for autoregressive decoding.
import type { StopReason } from '../types.ts';

export type StoppingCriterion = (generated: readonly number[]) => StopReason | null;

/** Stops on any of the model's EOS ids (Llama 3 Instruct has three, Qwen3 two). */
export function stopOnEos(eosTokenIds: number | readonly number[]): StoppingCriterion {
  const ids = new Set(typeof eosTokenIds === 'number' ? [eosTokenIds] : eosTokenIds);
  return (generated) => (generated.length > 0 && ids.has(generated.at(-1)!) ? 'eos' : null);
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
