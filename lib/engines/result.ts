// Assembles a GenerationResult the same way for both engines, so their numbers mean the same thing.
import type { TextTokenizer } from './tokenizer.ts';
import type { DecodingSettings, GenerationResult, StopReason } from './types.ts';

export function buildResult(input: {
  tokenizer: TextTokenizer;
  tokenIds: number[]; // output ids: no prompt, no <eos>
  stopReason: StopReason;
  promptTokens: number;
  settings: DecodingSettings;
  started: number; // performance.now() when generate() was called
  ttftMs: number;
  forwardMs: number[];
}): GenerationResult {
  const totalMs = performance.now() - input.started;
  const generatedTokens = input.tokenIds.length; // only generated tokens count, never the prompt
  return {
    text: input.tokenizer.decode(input.tokenIds),
    tokenIds: input.tokenIds,
    stopReason: input.stopReason,
    promptTokens: input.promptTokens,
    settings: input.settings,
    timings: {
      ttftMs: input.ttftMs,
      totalMs,
      forwardPasses: input.forwardMs.length,
      forwardMs: input.forwardMs,
      generatedTokens,
      tokensPerSecond: generatedTokens / (totalMs / 1000),
    },
  };
}
