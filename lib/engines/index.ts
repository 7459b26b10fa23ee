// Picks the engine a model folder's config.json asks for.
import { createAutoregressiveEngine, resolveAutoregressiveSettings } from './autoregressive.ts';
import { createBlockDiffusionEngine } from './block-diffusion/engine.ts';
import { resolveBlockDiffusionSettings } from './block-diffusion/settings.ts';
import { createDiffusionEngine } from './diffusion/engine.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { DecoderConfig } from './model-config.ts';
import { resolveSettings } from './settings.ts';
import type { DecodingSettings, Engine } from './types.ts';

export function createEngine(model: LoadedModel): Engine {
  switch (model.config.decoding) {
    case 'diffusion':
      return createDiffusionEngine(model);
    case 'block_diffusion':
      return createBlockDiffusionEngine(model);
    case 'autoregressive':
      return createAutoregressiveEngine(model);
  }
}

/** The settings a model's engine would use for a prompt of `promptTokens` tokens (throws SettingsError). */
export function resolveModelSettings(config: DecoderConfig, given: Partial<DecodingSettings>, promptTokens: number): DecodingSettings {
  if (config.decoding === 'block_diffusion') return resolveBlockDiffusionSettings(given, promptTokens, config.contextLength, config.blockSize!);
  if (config.decoding === 'autoregressive') return resolveAutoregressiveSettings(config, given, promptTokens);
  return resolveSettings(config.decoding, given, promptTokens, config.contextLength);
}

export { abilitiesOf, loadModel, disposeModel, disposeAllModels, type LoadedModel } from './loaded-model.ts';
export type * from './types.ts';
