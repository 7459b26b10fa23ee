// A model folder ready to decode: config, tokenizer and one ORT session, loaded once and reused.
import type * as ort from 'onnxruntime-node';
import { findModel, type ModelInfo } from '../models/discover.ts';
import { type DecoderConfig, ModelConfigError, readDecoderConfig } from './model-config.ts';
import { createSession, disposeSession } from './session.ts';
import { createTokenizer, type TextTokenizer } from './tokenizer.ts';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './types.ts';

export interface LoadedModel {
  info: ModelInfo; // id, folder, SHA-256 of the ONNX file
  config: DecoderConfig;
  tokenizer: TextTokenizer;
  session: ort.InferenceSession;
  cachedSession: ort.InferenceSession | null; // diffusion with onnx/model_cached.onnx: block KV caching
  sessionSettings: SessionSettings; // recorded with every result
}

const loaded = new Map<string, Promise<LoadedModel>>();

const cacheKey = (dir: string, s: SessionSettings) => `${dir}|${s.executionProvider}|${s.intraOpThreads}|${s.graphOptimizationLevel}`;

export async function loadModel(model: string | ModelInfo, sessionSettings: SessionSettings = DEFAULT_SESSION_SETTINGS): Promise<LoadedModel> {
  const info = typeof model === 'string' ? await findModel(model) : model;
  if (info.problems.length > 0 || !info.onnxFile) throw new ModelConfigError(`model "${info.id}" cannot be used: ${info.problems.join('; ')}`);
  const key = cacheKey(info.dir, sessionSettings);
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => ({
      info,
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
  loaded.delete(cacheKey(model.info.dir, model.sessionSettings));
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
