// How many tokens a remote answer had: the provider's usage when it sent one; else counted with the model
// folder's tokenizer; else estimated at ~4 characters per token (OpenAI's rule of thumb for English text),
// and then labelled estimated wherever it is shown. Pure.
import type { TextTokenizer } from '../tokenizer.ts';
import type { Usage } from './chunks.ts';

export type TokenSource = 'usage' | 'tokenizer' | 'estimate';

export const CHARS_PER_TOKEN_ESTIMATE = 4;

export const estimateTokens = (text: string) => (text === '' ? 0 : Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE)));

export function countTokens(
  prompt: string,
  output: string,
  usage: Usage | null,
  tokenizer: Pick<TextTokenizer, 'encode'> | null,
): { promptTokens: number; generatedTokens: number; source: TokenSource } {
  if (usage) return { promptTokens: usage.promptTokens, generatedTokens: usage.completionTokens, source: 'usage' };
  if (tokenizer) return { promptTokens: tokenizer.encode(prompt).length, generatedTokens: tokenizer.encode(output).length, source: 'tokenizer' };
  return { promptTokens: estimateTokens(prompt), generatedTokens: estimateTokens(output), source: 'estimate' };
}

/** USD for one request: usage × price per million; null without a price. */
export function costUsd(promptTokens: number, generatedTokens: number, price: { input: number; output: number } | null): number | null {
  if (!price) return null;
  return (promptTokens * price.input + generatedTokens * price.output) / 1_000_000;
}
