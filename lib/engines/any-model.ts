// Local and remote models side by side: what the harness asks of a model id without caring where it runs.
// A local folder loads its ONNX sessions; a "decoding": "remote" folder becomes a client of its API.
import { findModel, type ModelInfo, type Paradigm } from '../models/discover.ts';
import { DEFAULT_ONNX_DTYPE, type OnnxDtype } from '../models/onnx-variants.ts';
import { createEngine } from './index.ts';
import { loadModel, type LoadedModel } from './loaded-model.ts';
import { createRemoteEngine } from './remote/engine.ts';
import { DIFFUSION_ONLY_SETTINGS } from './remote/request.ts';
import { loadRemoteModel, remoteLabel, type RemoteModel } from './remote/remote-model.ts';
import type { DecodingSettings, Engine, SessionSettings } from './types.ts';

export type AnyModel = LoadedModel | RemoteModel;

export const isRemoteModel = (model: AnyModel): model is RemoteModel => 'kind' in model && model.kind === 'remote';

/** Loads any model folder; a remote one needs its key's variable set (checked here, read per request). */
export async function loadAnyModel(model: string | ModelInfo, session?: SessionSettings, dtype?: OnnxDtype): Promise<AnyModel> {
  const info = typeof model === 'string' ? await findModel(model) : model;
  return info.decoding === 'remote' ? loadRemoteModel(info) : loadModel(info, session, dtype);
}

/** Which side of a comparison a model stands on: full-canvas and block diffusion are both "diffusion". */
export function paradigmOf(model: AnyModel): Paradigm {
  if (isRemoteModel(model)) return model.paradigm;
  return model.config.decoding === 'autoregressive' ? 'autoregressive' : 'diffusion';
}

/** The engine kind stored with a run: the local engine, or the remote model's paradigm. */
export const engineKindOf = (model: AnyModel) => (isRemoteModel(model) ? model.paradigm : model.config.decoding);

export function createAnyEngine(model: AnyModel): Engine {
  return isRemoteModel(model) ? createRemoteEngine(model) : createEngine(model);
}

/**
 * Settings shared by a pair for one side: a remote model is sent only what an API has fields for (the
 * diffusion-only settings of a panel or of `dlm compare` are for local canvas decoders).
 */
export function sharedSettingsOnly(model: AnyModel, settings: Partial<DecodingSettings>): Partial<DecodingSettings> {
  if (!isRemoteModel(model)) return settings;
  return Object.fromEntries(
    Object.entries(settings).filter(([k]) => !(DIFFUSION_ONLY_SETTINGS as readonly string[]).includes(k) && !(k === 'topK' && settings.topK === 0)),
  );
}

/** The ONNX variant a local model runs ({} for a remote one): recorded with its runs, beside the variant's file hash. */
export const variantOf = (model: AnyModel): { dtype?: OnnxDtype } => (isRemoteModel(model) ? {} : { dtype: model.dtype ?? DEFAULT_ONNX_DTYPE });

/** The hosts of the remote models among `models` (recorded in an experiment's environment). */
export const remoteHostsOf = (models: readonly (AnyModel | undefined)[]) => models.flatMap((m) => (m && isRemoteModel(m) ? [m.remote.host] : []));

/** Where a model's figures were measured: the remote label with its host, or null for a local model. */
export const remoteLabelOf = (model: AnyModel): string | null => (isRemoteModel(model) ? remoteLabel(model.remote.host) : null);
