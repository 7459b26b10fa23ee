// Picks the engine a model folder's config.json asks for.
import { createAutoregressiveEngine, resolveAutoregressiveSettings } from './autoregressive.ts';
import { createBlockDiffusionEngine } from './block-diffusion/engine.ts';
import { createFastDllmV2Engine } from './block-diffusion/fast-dllm-v2.ts';
import { resolveBlockDiffusionSettings } from './block-diffusion/settings.ts';
import { createDiffusionEngine } from './diffusion/engine.ts';
import { withGenerationDefaults } from './generation-config.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { DecoderConfig } from './model-config.ts';
import { resolveSettings } from './settings.ts';
import type { DecodingSettings, Engine } from './types.ts';

export function createEngine(model: LoadedModel): Engine {
  switch (model.config.decoding) {
    case 'diffusion':
      return createDiffusionEngine(model);
    case 'block_diffusion':
      return model.config.blockSampler === 'fast_dllm_v2' ? createFastDllmV2Engine(model) : createBlockDiffusionEngine(model);
    case 'autoregressive':
      return createAutoregressiveEngine(model);
  }
}

/** The settings a model's engine would use for a prompt of `promptTokens` tokens (throws SettingsError). */
export function resolveModelSettings(config: DecoderConfig, given: Partial<DecodingSettings>, promptTokens: number): DecodingSettings {
  if (config.decoding === 'autoregressive') return resolveAutoregressiveSettings(config, given, promptTokens);
  const withDefaults = withGenerationDefaults(config.generationDefaults, given); // a published family's schedule (Dream's)
  if (config.decoding === 'block_diffusion')
    return resolveBlockDiffusionSettings(withDefaults, promptTokens, config.contextLength, config.blockSize!, config.blockSampler);
  return resolveSettings(config.decoding, withDefaults, promptTokens, config.contextLength);
}

export { abilitiesOf, loadModel, disposeModel, disposeAllModels, type LoadedModel } from './loaded-model.ts';
export type * from './types.ts';
