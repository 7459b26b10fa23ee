// Block KV caching: the cached graph reproduces the plain graph, a window read from a cache that is still
// exact gives the full forward's rows, `cache: none` never touches the cached graph, and the cached modes
// save forward work (each step after a block's first runs a window, not the canvas).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import { createBlockCache } from './block-cache.ts';
import { createDiffusionEngine } from './engine.ts';

let model: LoadedModel;
before(async () => {
  model = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' });
});
after(disposeAllModels);

const maxDiff = (a: Float32Array, aStart: number, b: Float32Array, bStart: number, count: number) => {
  let d = 0;
  for (let i = 0; i < count; i++) d = Math.max(d, Math.abs(a[aStart + i]! - b[bStart + i]!));
  return d;
};

describe('diffusion block KV cache', () => {
  test('the bundled diffusion model ships the cached graph', () => {
    assert.ok(model.cachedSession, 'onnx/model_cached.onnx is loaded');
  });

  test('refresh equals the plain graph; windows over an unchanged canvas equal the full rows (prefix and dual)', async () => {
    const V = model.config.vocabSize;
    const prompt = model.tokenizer.encode('reverse: q1w2e3r4\n');
    const canvas = BigInt64Array.from([...prompt, ...new Array(16).fill(model.config.maskTokenId!)].map(BigInt));
    const T = canvas.length;
    const plain = (
      await model.session.run({
        input_ids: new ort.Tensor('int64', canvas, [1, T]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
      })
    ).logits!.data as Float32Array;
    const cache = createBlockCache(model.cachedSession!, model.config);
    const full = await cache.refresh(canvas);
    assert.ok(maxDiff(plain, 0, full.logits, 0, plain.length) < 1e-4);
    const [s, e] = [prompt.length + 4 - 1, prompt.length + 8]; // a block of 4 (with the row before it, for shifted logits)
    cache.keep([
      [0, s],
      [e, T],
    ]);
    const dual = await cache.window(canvas, s, e);
    assert.ok(maxDiff(dual.logits, 0, full.logits, s * V, (e - s) * V) < 1e-4, 'dual window');
    cache.keep([[0, s]]);
    const prefix = await cache.window(canvas, s, T);
    assert.ok(maxDiff(prefix.logits, 0, full.logits, s * V, (T - s) * V) < 1e-4, 'prefix window');
  });

  test('cache modes decode every block fully and spend fewer forward tokens; none is the plain path', async () => {
    const engine = createDiffusionEngine(model);
    const request = (cache: 'none' | 'prefix' | 'dual') => ({ prompt: 'copy: k3x9ab7q\n', settings: { maxNewTokens: 16, blockLength: 8, steps: 16, cache } });
    const none = await engine.generate(request('none'));
    const again = await engine.generate(request('none'));
    assert.deepEqual(none.tokenIds, again.tokenIds);
    for (const cache of ['prefix', 'dual'] as const) {
      const cached = await engine.generate(request(cache));
      assert.ok(cached.timings.forwardPasses <= 16, `${cache}: NFE ${cached.timings.forwardPasses}`);
      assert.equal(cached.settings.cache, cache);
    }
  });

  test('a cache mode on a model without the cached graph is a clear settings error', async () => {
    const withoutCache = { ...model, cachedSession: null };
    await assert.rejects(
      createDiffusionEngine(withoutCache).generate({ prompt: 'copy: a\n', settings: { maxNewTokens: 8, cache: 'dual' } }),
      /cache "dual" needs onnx\/model_cached\.onnx/,
    );
    await assert.rejects(
      createDiffusionEngine(model).generate({ prompt: 'copy: a\n', settings: { maxNewTokens: 8, cache: 'full' as never } }),
      /cache must be one of none, prefix, dual, got "full"/,
    );
  });
});
