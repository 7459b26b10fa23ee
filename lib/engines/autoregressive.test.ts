// The AR engine must produce exactly what transformers.js generate() produces on the same folder (greedy).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { findModel } from '../models/discover.ts';
import { createAutoregressiveEngine } from './autoregressive.ts';
import { disposeAllModels, loadModel, type LoadedModel } from './loaded-model.ts';
import { BUNDLED_AR_MODEL_ID as AR_MODEL_ID } from '../harness/bundled-models.ts';
import type { GenerationEvent } from './types.ts';

const PROMPTS = ['copy: k3x9q\n', 'reverse: abc123\n', 'sort: 9081726354\n', 'add: 4821+1379\n', 'code: f(x) returns x plus 3\n', 'hello'];

let model: LoadedModel;
before(async () => {
  model = await loadModel(AR_MODEL_ID, { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' });
});
after(disposeAllModels);

describe('autoregressive engine', () => {
  test('greedy output is token-for-token identical to transformers.js generate()', async () => {
    const info = await findModel(AR_MODEL_ID);
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(info.dir) + path.sep;
    const tokenizer = await AutoTokenizer.from_pretrained(info.id, { local_files_only: true });
    const reference = await AutoModelForCausalLM.from_pretrained(info.id, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
    const engine = createAutoregressiveEngine(model);
    for (const prompt of PROMPTS) {
      for (const maxNewTokens of [1, 24]) {
        const inputs = tokenizer(prompt, { add_special_tokens: false });
        const output = await reference.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false });
        const expected = (output as { tolist(): bigint[][] }).tolist()[0]!.map(Number).slice(inputs.input_ids.dims[1]);
        const ours = await engine.generate({ prompt, settings: { maxNewTokens } });
        const eos = model.config.eosTokenId;
        const ourIds = ours.stopReason === 'eos' ? [...ours.tokenIds, eos] : ours.tokenIds;
        assert.deepEqual(ourIds, expected, `prompt ${JSON.stringify(prompt)}, ${maxNewTokens} tokens`);
      }
    }
    await reference.dispose();
  });

  test('one event per token, timings and NFE add up', async () => {
    const engine = createAutoregressiveEngine(model);
    const events: GenerationEvent[] = [];
    const result = await engine.generate({ prompt: 'copy: abcdefgh\n', settings: { maxNewTokens: 12 } }, { onEvent: (e) => events.push(e) });
    const tokens = events.filter((e) => e.type === 'token');
    assert.equal(events[0]?.type, 'start');
    assert.equal(tokens.length, result.timings.forwardPasses);
    assert.equal(result.timings.forwardMs.length, result.timings.forwardPasses);
    assert.ok(result.timings.ttftMs > 0 && result.timings.ttftMs <= result.timings.totalMs);
    assert.equal(result.timings.generatedTokens, result.tokenIds.length);
    assert.equal(result.promptTokens, 'copy: abcdefgh\n'.length);
  });

  test('minNewTokens forces an exact output length', async () => {
    const engine = createAutoregressiveEngine(model);
    const result = await engine.generate({ prompt: 'copy: ab\n', settings: { maxNewTokens: 40, minNewTokens: 40 } });
    assert.equal(result.tokenIds.length, 40);
    assert.equal(result.stopReason, 'max_tokens');
    assert.ok(!result.tokenIds.includes(model.config.eosTokenId));
  });

  test('sampling is reproducible for a seed and differs across seeds', async () => {
    const engine = createAutoregressiveEngine(model);
    const request = (seed: number) => ({ prompt: 'copy: q\n', settings: { maxNewTokens: 30, minNewTokens: 30, temperature: 1.5, topK: 50, topP: 0.98, seed } });
    const a = await engine.generate(request(1));
    const b = await engine.generate(request(1));
    const c = await engine.generate(request(2));
    assert.deepEqual(a.tokenIds, b.tokenIds);
    assert.notDeepEqual(a.tokenIds, c.tokenIds);
  });

  test('an aborted signal stops before the next forward pass', async () => {
    const engine = createAutoregressiveEngine(model);
    const controller = new AbortController();
    const result = await engine.generate(
      { prompt: 'copy: abc\n', settings: { maxNewTokens: 50, minNewTokens: 50 } },
      { signal: controller.signal, onEvent: (e) => e.type === 'token' && e.index === 4 && controller.abort() },
    );
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.timings.forwardPasses, 5);
  });

  test('bad settings are rejected with a clear message', async () => {
    const engine = createAutoregressiveEngine(model);
    await assert.rejects(engine.generate({ prompt: '' }), /prompt is empty/);
    await assert.rejects(engine.generate({ prompt: 'x', settings: { maxNewTokens: 5000 } }), /exceeds the model's context/);
    await assert.rejects(engine.generate({ prompt: 'x', settings: { topP: 0 } }), /top-p/);
  });
});
