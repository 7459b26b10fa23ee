// A model folder ready to decode: config, tokenizer and one ORT session, loaded once and reused.
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { findModel, type ModelInfo } from '../models/discover.ts';
import { sha256OfFile } from '../models/file-hash.ts';
import { DEFAULT_ONNX_DTYPE, dtypeProblem, onnxFileName, type OnnxDtype } from '../models/onnx-variants.ts';
import { type DecoderConfig, ModelConfigError, readDecoderConfig } from './model-config.ts';
import { createSession, disposeSession } from './session.ts';
import type { DecoderAbilities } from './settings.ts';
import { createTokenizer, type TextTokenizer } from './tokenizer.ts';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './types.ts';

export interface LoadedModel {
  info: ModelInfo; // id, folder, the ONNX file loaded (the dtype's) and its SHA-256
  dtype?: OnnxDtype; // which of the folder's ONNX variants runs (fp32 = onnx/model.onnx when absent)
  config: DecoderConfig;
  tokenizer: TextTokenizer;
  session: ort.InferenceSession;
  cachedSession: ort.InferenceSession | null; // diffusion with onnx/model_cached.onnx: block KV caching
  sessionSettings: SessionSettings; // recorded with every result
}

/** What the settings checks need to know about a loaded model (see settingsProblemFor). */
export const abilitiesOf = (model: LoadedModel): DecoderAbilities => ({ modelId: model.info.id, hasCachedGraph: model.cachedSession !== null });

const loaded = new Map<string, Promise<LoadedModel>>();

const cacheKey = (dir: string, s: SessionSettings, dtype: OnnxDtype) =>
  `${dir}|${s.executionProvider}|${s.intraOpThreads}|${s.graphOptimizationLevel}|${dtype}`;

/** The listing with the chosen dtype's graph in place of the one discovery described (its hash recorded). */
async function withDtype(info: ModelInfo, dtype: OnnxDtype): Promise<ModelInfo> {
  const problem = dtypeProblem(info, dtype);
  if (problem) throw new ModelConfigError(problem);
  const onnxFile = path.join(info.dir, 'onnx', onnxFileName(dtype));
  if (onnxFile === info.onnxFile) return info;
  return { ...info, onnxFile, sha256: await sha256OfFile(onnxFile) };
}

export async function loadModel(
  model: string | ModelInfo,
  sessionSettings: SessionSettings = DEFAULT_SESSION_SETTINGS,
  dtype: OnnxDtype = DEFAULT_ONNX_DTYPE,
): Promise<LoadedModel> {
  const listed = typeof model === 'string' ? await findModel(model) : model;
  if (listed.problems.length > 0 || !listed.onnxFile) throw new ModelConfigError(`model "${listed.id}" cannot be used: ${listed.problems.join('; ')}`);
  const info = await withDtype(listed, dtype);
  const key = cacheKey(info.dir, sessionSettings, dtype);
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => ({
      info,
      dtype,
      config: readDecoderConfig(info.dir),
      tokenizer: createTokenizer(info.dir),
      session: await createSession(info.onnxFile!, sessionSettings),
      cachedSession: info.cachedOnnxFile ? await createSession(info.cachedOnnxFile, sessionSettings) : null,
      sessionSettings,
    }))();
    entry.catch(() => loaded.delete(key));
    loaded.set(key, entry);
  }
  return entry;
}

export async function disposeModel(model: LoadedModel): Promise<void> {
  loaded.delete(cacheKey(model.info.dir, model.sessionSettings, model.dtype ?? DEFAULT_ONNX_DTYPE));
  await disposeSession(model.session);
  if (model.cachedSession) await disposeSession(model.cachedSession);
}

export async function disposeAllModels(): Promise<void> {
  const all = [...loaded.values()];
  loaded.clear();
  await Promise.all(
    all.map(async (entry) => {
      const m = await entry;
      await Promise.all([m.session, m.cachedSession].map((s) => (s ? disposeSession(s).catch(() => undefined) : undefined)));
    }),
  );
}
