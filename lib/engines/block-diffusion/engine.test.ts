// The block sampler's control flow on a scripted model: prefill, denoising steps and clean forwards counted
// exactly (NFE), <eos> stopping after its block, the cap trimming, min tokens, schedules, cancellation; and
// the settings rules of the kind.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import { type GenerationEvent, SettingsError } from '../types.ts';
import { createBlockDiffusionEngine } from './engine.ts';
import { blockCount, resolveBlockDiffusionSettings, stepsPerBlock } from './settings.ts';
import { scriptedModel } from './test-fixtures.ts';

let base: LoadedModel;
before(async () => {
  base = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' });
});
after(disposeAllModels);

const B = 8;
function engineFor(answerText: string, eosAt: number | null, o: { peak?: number } = {}) {
  const ids = base.tokenizer.encode(answerText);
  const answer = eosAt === null ? ids : [...ids.slice(0, eosAt), base.config.eosTokenId, ...ids.slice(eosAt)];
  const fallback = base.tokenizer.encode('x')[0]!;
  const scripted = scriptedModel(base, answer, { blockSize: B, fallback, ...o });
  return { ...scripted, engine: createBlockDiffusionEngine(scripted.model, { createContext: scripted.context }) };
}
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe('block diffusion sampler (scripted model)', () => {
  test('<eos> in block 1 stops after that block: prefill + 2 × B steps + 1 clean forward, no clean forward for the last block', async () => {
    const { engine, calls } = engineFor(ALPHABET, 12);
    const events: GenerationEvent[] = [];
    const r = await engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 64 } }, { onEvent: (e) => events.push(e) });
    assert.equal(r.text, ALPHABET.slice(0, 12));
    assert.equal(r.stopReason, 'eos');
    assert.equal(r.timings.forwardPasses, 1 + 2 * B + 1);
    const p = r.promptTokens;
    assert.deepEqual(calls.append, [p]);
    assert.deepEqual(calls.denoise, [...new Array(B).fill(p), ...new Array(B).fill(p + B)]);
    const capNfe = 1 + blockCount(64, B) * B + blockCount(64, B) - 1;
    assert.ok(r.timings.forwardPasses < capNfe / 3, `NFE ${r.timings.forwardPasses} well below the cap's ${capNfe}`);
    assert.deepEqual(events[0], { type: 'start', engine: 'block_diffusion', promptTokens: p, length: 64 });
    const blocks = events.filter((e) => e.type === 'block');
    assert.deepEqual(
      blocks.map((e) => e.type === 'block' && [e.block, e.start, e.length]),
      [
        [0, 0, B],
        [1, B, B],
      ],
    );
    const steps = events.filter((e) => e.type === 'step');
    assert.equal(steps.length, 2 * B);
    assert.ok(
      steps.every((e) => e.type === 'step' && e.committed.length === 1),
      'steps = cap: one token per step',
    );
  });

  test('the cap is rounded up to whole blocks for decoding and trims the output', async () => {
    const { engine, calls } = engineFor(ALPHABET, null);
    const r = await engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 20 } });
    assert.equal(r.text, ALPHABET.slice(0, 20));
    assert.equal(r.stopReason, 'max_tokens');
    assert.equal(calls.denoise.length, 3 * 8); // 3 blocks of 8 for a cap of 20; steps = 20 → 8 steps per block
    assert.equal(r.timings.forwardPasses, 1 + 24 + 2);
  });

  test('an <eos> past the cap (in the rounded-up part) still stops there, and the output keeps the cap', async () => {
    const { engine } = engineFor(ALPHABET, 22);
    const r = await engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 20 } });
    assert.equal(r.text, ALPHABET.slice(0, 20));
    assert.equal(r.stopReason, 'max_tokens');
  });

  test('min tokens suppresses <eos> before it (the runner-up is committed instead)', async () => {
    const { engine } = engineFor(ALPHABET, 3);
    const r = await engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 16, minNewTokens: 6 } });
    // Position 3 would be <eos>; suppressed it becomes the runner-up "x"; positions 4.. are shifted by the script.
    assert.equal(r.text.slice(0, 6), 'abcxde');
    assert.equal(r.tokenIds.length, 16);
  });

  test('threshold commits a whole confident block per step; steps = cap/4 gives B/4 steps per block', async () => {
    const confident = engineFor(ALPHABET, 12);
    const r = await confident.engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 64, threshold: 0.9 } });
    assert.equal(r.text, ALPHABET.slice(0, 12));
    assert.equal(r.timings.forwardPasses, 1 + 1 + 1 + 1); // prefill, block 0 in one step, clean forward, block 1
    const quarter = engineFor(ALPHABET, 12);
    const events: GenerationEvent[] = [];
    const q = await quarter.engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 64, steps: 16 } }, { onEvent: (e) => events.push(e) });
    assert.equal(q.text, ALPHABET.slice(0, 12));
    assert.equal(q.timings.forwardPasses, 1 + 2 * 2 + 1);
    assert.ok(
      events.every((e) => e.type !== 'step' || e.committed.length === 4),
      '64 tokens in 16 steps: 4 per step',
    );
  });

  test('a low-confidence block under a threshold still commits at least one token per step', async () => {
    const { engine } = engineFor(ALPHABET, 4, { peak: 2 });
    const r = await engine.generate({ prompt: 'copy: abc\n', settings: { maxNewTokens: 8, threshold: 0.99 } });
    assert.equal(r.text, 'abcd');
    assert.equal(r.timings.forwardPasses, 1 + B);
  });

  test('an aborted signal stops before the next forward', async () => {
    const { engine, calls } = engineFor(ALPHABET, null);
    const controller = new AbortController();
    const r = await engine.generate(
      { prompt: 'copy: abc\n', settings: { maxNewTokens: 64 } },
      { signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === 2 && controller.abort() },
    );
    assert.equal(r.stopReason, 'cancelled');
    assert.equal(calls.denoise.length, 3);
    assert.equal(r.text, 'abc');
  });
});

describe('block diffusion settings', () => {
  test('steps per block = steps × B / cap, rounded half to even as in Python, at least 1', () => {
    assert.equal(stepsPerBlock(64, 32, 64), 32);
    assert.equal(stepsPerBlock(16, 32, 64), 8);
    assert.equal(stepsPerBlock(20, 8, 20), 8);
    assert.equal(stepsPerBlock(1, 32, 256), 1);
    assert.equal(stepsPerBlock(5, 4, 8), 2); // 2.5 → 2
    assert.equal(stepsPerBlock(7, 4, 8), 4); // 3.5 → 4
    assert.equal(stepsPerBlock(3, 32, 40), 2); // 2.4 → 2
  });

  test('defaults: block length = the model block size, steps = cap; rejects cache, a different block length, and a rounded-up canvas past the context', () => {
    const s = resolveBlockDiffusionSettings({ maxNewTokens: 40 }, 10, 1024, 32);
    assert.equal(s.blockLength, 32);
    assert.equal(s.steps, 40);
    assert.throws(
      () => resolveBlockDiffusionSettings({ cache: 'dual' }, 10, 1024, 32),
      (e: Error) => e instanceof SettingsError && /always exact/.test(e.message),
    );
    assert.deepEqual(resolveBlockDiffusionSettings(s, 10, 1024, 32), s, 'resolving resolved settings changes nothing (the sweep passes them back)');
    assert.throws(() => resolveBlockDiffusionSettings({ blockLength: 16 }, 10, 1024, 32), /must equal the model's block size \(32\)/);
    assert.equal(resolveBlockDiffusionSettings({ blockLength: 32 }, 10, 1024, 32).blockLength, 32);
    assert.throws(() => resolveBlockDiffusionSettings({ maxNewTokens: 1000 }, 10, 1024, 32), /rounded up to whole blocks of 32 \(1024\)/);
    assert.throws(() => resolveBlockDiffusionSettings({ threshold: 0.9, factor: 1 }, 10, 1024, 32), SettingsError);
    assert.throws(() => resolveBlockDiffusionSettings({ steps: 65 }, 10, 1024, 32), /steps/);
  });
});
