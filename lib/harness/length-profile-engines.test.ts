// The length profile's forward shapes against what the engines really feed onnxruntime: every session.run of
// AR, block diffusion and full-canvas diffusion (no cache and dual) is recorded (query = input_ids length,
// attended = attention_mask length) and must equal the shapes counted from the engine's step events.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { createEngine, disposeAllModels, loadModel, type LoadedModel } from '../engines/index.ts';
import type { DecodingSettings, GenerationEvent } from '../engines/types.ts';
import { availableBlockDiffusionModel, BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { autoregressiveShapes, blockDiffusionShapes, fullCanvasShapes, stepsPerBlockOf } from './length-profile.ts';

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
let ar: LoadedModel;
let diffusion: LoadedModel;
let blockId: string | null;
before(async () => {
  ar = await loadModel(BUNDLED_AR_MODEL_ID, SESSION);
  diffusion = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, SESSION);
  blockId = await availableBlockDiffusionModel();
});
after(disposeAllModels);

/** The model with every session.run recorded as [query, attended]. */
function recorded(model: LoadedModel): { model: LoadedModel; calls: [number, number][] } {
  const calls: [number, number][] = [];
  const wrap = (session: ort.InferenceSession) =>
    new Proxy(session, {
      get(target, property) {
        if (property === 'run')
          return (feeds: Record<string, ort.Tensor>, ...rest: unknown[]) => {
            const query = feeds.input_ids!.dims[1]!;
            calls.push([query, feeds.attention_mask?.dims[1] ?? query]);
            return (target.run as (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType>)(feeds, ...rest);
          };
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { model: { ...model, session: wrap(model.session), cachedSession: model.cachedSession && wrap(model.cachedSession) }, calls };
}

const prompt = 'expand: a3b12c7\n';
async function run(model: LoadedModel, settings: Partial<DecodingSettings>) {
  const { model: spy, calls } = recorded(model);
  const events: GenerationEvent[] = [];
  const result = await createEngine(spy).generate({ prompt, settings }, { onEvent: (e) => events.push(e) });
  return { result, calls, steps: stepsPerBlockOf(events) };
}
const pairs = (shapes: { query: number; attended: number }[]) => shapes.map((s): [number, number] => [s.query, s.attended]);

test('AR: the prefill, then one token against a cache one longer each step', async () => {
  const { result, calls } = await run(ar, { maxNewTokens: 40, minNewTokens: 40 });
  assert.equal(result.timings.generatedTokens, 40);
  assert.deepEqual(calls, pairs(autoregressiveShapes(result.promptTokens, result.timings.forwardPasses)));
});

test('block diffusion: prefill, denoising steps and commits, as counted from its step events', async (t) => {
  if (!blockId) return t.skip('no usable block-diffusion model');
  const block = await loadModel(blockId, SESSION);
  for (const settings of [{ threshold: 0.9 }, { steps: 32 }]) {
    const { result, calls, steps } = await run(block, { maxNewTokens: 70, minNewTokens: 70, ...settings });
    assert.equal(result.timings.generatedTokens, 70);
    assert.deepEqual(calls, pairs(blockDiffusionShapes(result.promptTokens, block.config.blockSize!, steps)));
  }
});

test('full-canvas diffusion: the whole canvas every step without a cache; refresh + windows with the dual cache', async () => {
  const rowShift = diffusion.config.diffusionLogits === 'shifted' ? 1 : 0;
  for (const settings of [
    { steps: 16 },
    { blockLength: 16, threshold: 0.9, cache: 'dual' as const },
    { blockLength: 16, steps: 6, cache: 'prefix' as const },
  ]) {
    const { result, calls, steps } = await run(diffusion, { maxNewTokens: 48, minNewTokens: 48, ...settings });
    const s = result.settings;
    assert.deepEqual(calls, pairs(fullCanvasShapes(result.promptTokens, 48, s.blockLength, s.cache, steps, rowShift)), JSON.stringify(settings));
  }
});
