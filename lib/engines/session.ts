// Creates onnxruntime-node sessions from a model file with explicit, recorded options.
import * as ort from 'onnxruntime-node';
import { assertExecutionProvider } from './execution-providers.ts';
import { type SessionSettings, SettingsError } from './types.ts';

/** What to check when a provider that is installed still fails to start (no GPU, a driver mismatch). */
const START_HINTS: Record<string, string> = {
  cuda: 'check that CUDA 12 and cuDNN 9 are installed and nvidia-smi sees a GPU',
  webgpu: 'the WebGPU provider needs a GPU and its Vulkan driver',
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

export async function createSession(onnxFile: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  const ep = settings.executionProvider;
  assertExecutionProvider(ep); // callers check before loading; this covers any that did not
  try {
    return await ort.InferenceSession.create(onnxFile, sessionOptions(settings));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    if (ep !== 'cpu') throw new SettingsError(`execution provider "${ep}" failed to start: ${reason} (${START_HINTS[ep]})`);
    throw new Error(`cannot load ${onnxFile}: ${reason}`);
  }
}

export async function disposeSession(session: ort.InferenceSession): Promise<void> {
  await session.release();
}
