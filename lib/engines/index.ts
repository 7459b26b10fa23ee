// Picks the engine a model folder's config.json asks for.
import { createAutoregressiveEngine } from './autoregressive.ts';
import { createDiffusionEngine } from './diffusion/engine.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { Engine } from './types.ts';

export function createEngine(model: LoadedModel): Engine {
  return model.config.decoding === 'diffusion' ? createDiffusionEngine(model) : createAutoregressiveEngine(model);
}

export { loadModel, disposeModel, disposeAllModels, type LoadedModel } from './loaded-model.ts';
export type * from './types.ts';
