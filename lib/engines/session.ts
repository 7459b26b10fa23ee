// Creates onnxruntime-node sessions from a model file with explicit, recorded options.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type SessionSettings, SettingsError } from './types.ts';

const EP_HINTS: Record<string, string> = {
  cuda: 'this onnxruntime-node install has no CUDA provider: reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with CUDA 12 and cuDNN 9',
  webgpu: 'the WebGPU provider could not start here (it needs a GPU and a working Dawn/Vulkan stack)',
};

export function sessionOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [settings.executionProvider],
    graphOptimizationLevel: settings.graphOptimizationLevel,
    ...(settings.intraOpThreads !== null ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    interOpNumThreads: 1, // the graphs are a single chain; parallelism comes from intra-op threads
    executionMode: 'sequential',
    logSeverityLevel: 4, // failures surface as exceptions with one clear line; ORT's own log would duplicate them
  };
}

/** The CUDA provider is a separate library that the default (skipped) install step does not fetch. */
function cudaProviderInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const binDir = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(path.join(binDir, 'libonnxruntime_providers_cuda.so'));
}

/** Providers this onnxruntime-node build can try. */
export function availableExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

export async function createSession(onnxFile: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  const ep = settings.executionProvider;
  const missing = ep !== 'cpu' && (!availableExecutionProviders().includes(ep) || (ep === 'cuda' && !cudaProviderInstalled()));
  if (missing) throw new SettingsError(`execution provider "${ep}" unavailable: ${EP_HINTS[ep]}`);
  try {
    return await ort.InferenceSession.create(onnxFile, sessionOptions(settings));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    if (ep !== 'cpu') throw new SettingsError(`execution provider "${ep}" failed to start: ${reason} (${EP_HINTS[ep]})`);
    throw new Error(`cannot load ${onnxFile}: ${reason}`);
  }
}

export async function disposeSession(session: ort.InferenceSession): Promise<void> {
  await session.release();
}
