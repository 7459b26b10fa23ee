// The models the API serves: every usable local model folder (remote ones are reached through their own
// provider, not through us), as OpenAI's model objects with our facts in a "dlm" extension.
import { statSync } from 'node:fs';
import type { EngineKind } from '../../engines/types.ts';
import { discoverModels, type ModelInfo } from '../../models/discover.ts';
import { ModelNotFoundError } from './errors.ts';

export const OWNED_BY = 'diffusion-playground';

/** Engines that run a model folder here; any other "decoding" (remote) is not served. */
const LOCAL_ENGINES: readonly EngineKind[] = ['autoregressive', 'diffusion', 'block_diffusion'];

export interface ServedModel {
  info: ModelInfo;
  engine: EngineKind;
  paradigm: 'autoregressive' | 'diffusion'; // left to right, or a canvas filled in parallel
}

const servedOf = (info: ModelInfo): ServedModel | null => {
  const engine = LOCAL_ENGINES.find((e) => e === info.decoding);
  if (!engine || info.problems.length > 0 || !info.onnxFile) return null;
  return { info, engine, paradigm: engine === 'autoregressive' ? 'autoregressive' : 'diffusion' };
};

export async function servedModels(): Promise<ServedModel[]> {
  const { models } = await discoverModels();
  return models.map(servedOf).filter((m): m is ServedModel => m !== null);
}

/** The model a request names, or a 404 that says why and what is served. */
export async function findServedModel(id: string): Promise<ServedModel> {
  const { models } = await discoverModels();
  const info = models.find((m) => m.id === id);
  const served = info ? servedOf(info) : null;
  if (served) return served;
  const available =
    models
      .map(servedOf)
      .filter((m) => m !== null)
      .map((m) => m.info.id)
      .join(', ') || 'none';
  const why = !info
    ? 'does not exist'
    : info.decoding === 'remote'
      ? 'is a remote model (not served by this API)'
      : `cannot be used: ${info.problems.join('; ')}`;
  return Promise.reject(new ModelNotFoundError(`The model "${id}" ${why}; available: ${available}`));
}

/** OpenAI's model object; "created" is when the weights were written. */
export function modelObject(model: ServedModel) {
  const { info } = model;
  return {
    id: info.id,
    object: 'model' as const,
    created: Math.floor(statSync(info.onnxFile!).mtimeMs / 1000),
    owned_by: OWNED_BY,
    dlm: {
      decoding: model.engine,
      paradigm: model.paradigm,
      parameters: info.parameters,
      context_length: info.contextLength,
      model_sha256: info.sha256,
    },
  };
}
