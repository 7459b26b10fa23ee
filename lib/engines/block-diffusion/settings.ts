// Block diffusion's decoding settings: the diffusion rules (remasking, threshold, factor, temperature, seed,
// min tokens) plus what differs here. `maxNewTokens` is a cap, rounded up to whole blocks for the canvas;
// `steps` is relative to the cap (default = cap: one token per step), spread evenly over the blocks;
// `blockLength` is the model's block size (trained in); `cache` is no setting (the cache is always exact; only
// "none", the resolved value, is accepted). Fast-dLLM v2 takes no `steps`: its threshold rule decides.
import type { BlockSampler } from '../../models/diffusion-families.ts';
import { resolveSettings } from '../settings.ts';
import { type DecodingSettings, SettingsError } from '../types.ts';

/** How many blocks a cap of `cap` tokens takes (the last block may run past the cap; the output is trimmed). */
export const blockCount = (cap: number, blockSize: number): number => Math.ceil(cap / blockSize);

/**
 * The canvas positions (prompt included) a decode of up to `cap` tokens may run forwards over. The recipe's
 * blocks start at the prompt's end; Fast-dLLM v2's sit at multiples of the block size counting the prompt, so
 * its canvas ends at the block boundary at or after prompt + cap.
 */
export function canvasEnd(promptTokens: number, cap: number, blockSize: number, sampler: BlockSampler = 'recipe'): number {
  if (sampler === 'fast_dllm_v2') return Math.ceil((promptTokens + cap) / blockSize) * blockSize;
  return promptTokens + blockCount(cap, blockSize) * blockSize;
}

/**
 * Denoising steps per block: steps × B / cap, rounded half to even (Python's round(), as the recipe's
 * sampler does), at least 1. steps = cap gives B (one token per step); steps = cap/4 gives B/4.
 */
export function stepsPerBlock(steps: number, blockSize: number, cap: number): number {
  const exact = (steps * blockSize) / cap;
  const floor = Math.floor(exact);
  const fraction = exact - floor;
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return Math.max(1, rounded);
}

/** Fills in defaults and rejects settings block diffusion cannot use, with one clear message each. */
export function resolveBlockDiffusionSettings(
  given: Partial<DecodingSettings>,
  promptTokens: number,
  contextLength: number,
  blockSize: number,
  sampler: BlockSampler = 'recipe',
): DecodingSettings {
  // "none" is what resolved settings carry (resolving is idempotent); the approximate caches make no sense here.
  if (given.cache !== undefined && given.cache !== 'none') {
    throw new SettingsError(`cache "${given.cache}" is not a setting for block diffusion: its KV cache of finished blocks is always exact`);
  }
  if (given.blockLength !== undefined && given.blockLength !== blockSize) {
    throw new SettingsError(`block length must equal the model's block size (${blockSize}), got ${given.blockLength}`);
  }
  // The shared rules, with the whole cap as one "block" so the full-canvas divisibility rules do not apply.
  // Fast-dLLM v2's steps are checked here, not there, so a wrong one gets this sampler's message.
  const fastDllm = sampler === 'fast_dllm_v2';
  const settings = resolveSettings('diffusion', { ...given, blockLength: undefined, ...(fastDllm ? { steps: undefined } : {}) }, promptTokens, contextLength);
  // Its resolved settings carry the default (one token a step, its rule without a threshold), so resolving them
  // again still works; any other count would be silently ignored.
  if (fastDllm && given.steps !== undefined && given.steps !== settings.steps) {
    throw new SettingsError(
      `steps does not apply to Fast-dLLM v2: its threshold rule decides how many tokens each step commits; use threshold (got steps ${given.steps})`,
      'steps',
    );
  }
  const end = canvasEnd(promptTokens, settings.maxNewTokens, blockSize, sampler);
  if (end > contextLength) {
    const blocks =
      sampler === 'fast_dllm_v2'
        ? `in blocks of ${blockSize} at multiples of ${blockSize} (up to position ${end})`
        : `rounded up to whole blocks of ${blockSize} (${end - promptTokens})`;
    throw new SettingsError(
      `prompt (${promptTokens} tokens) + output cap ${settings.maxNewTokens} ${blocks} exceeds the model's context of ${contextLength} tokens`,
    );
  }
  return { ...settings, blockLength: blockSize };
}
