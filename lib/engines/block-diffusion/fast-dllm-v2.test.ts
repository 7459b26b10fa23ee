// Fast-dLLM v2's block sampler: on a scripted model, where its blocks sit (absolute multiples of the block size,
// counting the prompt), what is prefilled, the sub-blocks, the threshold rule, the next block's first token from
// the clean forward, stopping and the cap, with every forward counted; then against the published generate()
// (models/export/diffusion_samplers.py, on the PyTorch forward of a random-weight Fast_dLLM_Qwen checkpoint)
// token for token and forward for forward, through the ONNX export of the same checkpoint.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { describeModelFolder } from '../../models/discover.ts';
import { projectRoot } from '../../paths.ts';
import { createEngine } from '../index.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import { type GenerationEvent, SettingsError } from '../types.ts';
import { createFastDllmV2Engine } from './fast-dllm-v2.ts';
import { canvasEnd, resolveBlockDiffusionSettings } from './settings.ts';
import { scriptedModel } from './test-fixtures.ts';

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
after(disposeAllModels);

const B = 16; // two sub-blocks of 8 (generate()'s small_block_size)
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe("Fast-dLLM v2's block sampler (scripted model)", () => {
  let base: LoadedModel;
  before(async () => {
    base = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, SESSION); // its tokenizer is one token per character
  });

  /** The engine on a model that spells `answer` (<eos> inserted at `eosAt`) after a prompt of `promptTokens` x's. */
  function engineFor(promptTokens: number, eosAt: number | null = null) {
    const ids = base.tokenizer.encode(ALPHABET);
    const answer = eosAt === null ? ids : [...ids.slice(0, eosAt), base.config.eosTokenId, ...ids.slice(eosAt)];
    const fallback = base.tokenizer.encode('x')[0]!;
    const scripted = scriptedModel(base, answer, { blockSize: B, fallback, promptTokens });
    const prompt = 'x'.repeat(promptTokens);
    assert.equal(base.tokenizer.encodePrompt(prompt).length, promptTokens);
    return { ...scripted, prompt, engine: createFastDllmV2Engine(scripted.model, { createContext: scripted.context }) };
  }
  const repeat = (start: number, times: number) => new Array<number>(times).fill(start);

  test('a prompt shorter than a block heads the first block: nothing prefilled, the next block at B, sub-blocks past the cap skipped', async () => {
    const { engine, calls, prompt } = engineFor(5);
    const events: GenerationEvent[] = [];
    const r = await engine.generate({ prompt, settings: { maxNewTokens: 18 } }, { onEvent: (e) => events.push(e) });
    assert.equal(r.text, ALPHABET.slice(0, 18));
    assert.equal(r.stopReason, 'max_tokens');
    // Block 0 = canvas [0, 16): 11 masks, one token a step; its clean forward adds answer 11 at canvas 16;
    // block 1 = [16, 32): sub-block [17, 24) holds answers 12..18, sub-block [24, 32) starts at answer 19 ≥ 18.
    assert.deepEqual([calls.prefill, calls.denoise, calls.append], [0, [...repeat(0, 11), ...repeat(B, 7)], [0]]);
    assert.equal(r.timings.forwardPasses, 11 + 1 + 7);
    assert.deepEqual(events[0], { type: 'start', engine: 'block_diffusion', promptTokens: 5, length: 32 - 5 });
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'block' ? [[e.block, e.start, e.length]] : [])),
      [
        [0, 0, 11],
        [1, 12, 15],
      ],
    );
    const positions = events.flatMap((e) => (e.type === 'step' ? e.committed.map((c) => c.position) : []));
    assert.deepEqual(
      positions,
      Array.from({ length: 19 }, (_, i) => i),
      'one token a step, left to right; answer 11 from the clean forward',
    );
  });

  test("a longer prompt: its whole blocks are prefilled, its tail heads the first block, the clean forward's token ends at the cap", async () => {
    const { engine, calls, prompt } = engineFor(20);
    const r = await engine.generate({ prompt, settings: { maxNewTokens: 13 } });
    assert.equal(r.text, ALPHABET.slice(0, 13));
    assert.deepEqual([calls.prefill, calls.denoise, calls.append], [1, repeat(B, 12), [B]]);
    assert.equal(r.timings.forwardPasses, 1 + 12 + 1);
  });

  for (const promptTokens of [B, 2 * B]) {
    test(`a prompt of whole blocks (${promptTokens} tokens): all prefilled, its last row gives the first token`, async () => {
      const { engine, calls, prompt } = engineFor(promptTokens);
      const r = await engine.generate({ prompt, settings: { maxNewTokens: 16 } });
      assert.equal(r.text, ALPHABET.slice(0, 16));
      assert.deepEqual([calls.prefill, calls.denoise, calls.append], [1, repeat(promptTokens, 15), []]);
      assert.equal(r.timings.forwardPasses, 1 + 15);
    });
  }

  test('<eos> with nothing masked before it settles the output: no forward after it', async () => {
    // Answer 2 ends block 0's first sub-block [5, 8): the second is never decoded. With a threshold, the whole
    // second sub-block (answers 3..10, <eos> at 7) is one step, and the output is settled.
    for (const [eosAt, threshold, denoise] of [
      [2, null, [0, 0, 0]],
      [7, 0.9, [0, 0]],
    ] as const) {
      const { engine, calls, prompt } = engineFor(5, eosAt);
      const r = await engine.generate({ prompt, settings: { maxNewTokens: 64, ...(threshold === null ? {} : { threshold }) } });
      assert.deepEqual([r.text, r.stopReason], [ALPHABET.slice(0, eosAt), 'eos']);
      assert.deepEqual([calls.prefill, calls.denoise, calls.append], [0, denoise, []]);
    }
  });

  test('a threshold commits every token of the sub-block above it in one step (and at least one)', async () => {
    const { engine, calls, prompt } = engineFor(5);
    const events: GenerationEvent[] = [];
    const r = await engine.generate({ prompt, settings: { maxNewTokens: 32, threshold: 0.9 } }, { onEvent: (e) => events.push(e) });
    assert.equal(r.text, ALPHABET.slice(0, 32));
    // Blocks [0, 16), [16, 32), [32, 48): 2 + 2 + 1 sub-block steps (the last sub-block starts past the cap).
    assert.deepEqual(
      [calls.denoise, calls.append],
      [
        [0, 0, B, B, 2 * B],
        [0, B],
      ],
    );
    const sizes = events.flatMap((e) => (e.type === 'step' ? [e.committed.length] : []));
    assert.deepEqual(sizes, [3, 8, 1, 7, 8, 1, 7]);
  });

  test('min tokens: neither a denoised position nor the clean forward’s token is a stop id before it', async () => {
    const stops = engineFor(5, 11); // <eos> is answer 11: the token block 0's clean forward adds
    const plain = await stops.engine.generate({ prompt: stops.prompt, settings: { maxNewTokens: 16 } });
    assert.deepEqual([plain.text, plain.stopReason, plain.timings.forwardPasses], [ALPHABET.slice(0, 11), 'eos', 11 + 1]);
    const held = engineFor(5, 11);
    const r = await held.engine.generate({ prompt: held.prompt, settings: { maxNewTokens: 16, minNewTokens: 12 } });
    assert.equal(r.text, `${ALPHABET.slice(0, 11)}x${ALPHABET.slice(11, 15)}`);
  });

  test('the canvas ends at the block boundary at or after prompt + cap; past the context is refused', () => {
    assert.equal(canvasEnd(10, 40, 32), 10 + 64);
    assert.equal(canvasEnd(10, 40, 32, 'fast_dllm_v2'), 64);
    assert.equal(canvasEnd(64, 1, 32, 'fast_dllm_v2'), 96);
    // A context of 1000: 10 + 982 ends at 992 here, where the recipe's blocks after the prompt would end at 1002.
    assert.equal(resolveBlockDiffusionSettings({ maxNewTokens: 982 }, 10, 1000, 32, 'fast_dllm_v2').maxNewTokens, 982);
    assert.throws(() => resolveBlockDiffusionSettings({ maxNewTokens: 982 }, 10, 1000, 32), /rounded up to whole blocks of 32 \(992\)/);
    assert.throws(
      () => resolveBlockDiffusionSettings({ maxNewTokens: 990 }, 10, 1000, 32, 'fast_dllm_v2'),
      (e: Error) =>
        e instanceof SettingsError && /in blocks of 32 at multiples of 32 \(up to position 1024\) exceeds the model's context of 1000/.test(e.message),
    );
  });

  test('a request that sets steps is refused, naming the field: the threshold rule decides how many tokens a step commits', () => {
    const { engine, prompt } = engineFor(5);
    for (const steps of [4, 40]) {
      assert.throws(
        () => engine.resolve({ prompt, settings: { maxNewTokens: 16, steps, threshold: 0.9 } }),
        (e: Error) =>
          e instanceof SettingsError &&
          e.setting === 'steps' &&
          /^steps does not apply to Fast-dLLM v2: its threshold rule decides .*; use threshold/.test(e.message),
      );
    }
    // The recipe's sampler spreads steps over its blocks, so the same request is fine there.
    assert.equal(resolveBlockDiffusionSettings({ maxNewTokens: 16, steps: 4 }, 5, 1024, B).steps, 4);
    // Resolved settings carry the default count (one token a step), so resolving them again still works.
    const resolved = engine.resolve({ prompt, settings: { maxNewTokens: 16, threshold: 0.9 } }).settings;
    assert.deepEqual(resolveBlockDiffusionSettings(resolved, 5, 1024, B, 'fast_dllm_v2'), resolved);
  });
});

const PYTHON = '/usr/bin/python3';
const torchMissing = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;
const FOLDER = 'fast-dllm-v2-random';

describe(
  'Fast-dLLM v2 as published: equals its generate() token for token',
  { skip: torchMissing && `${PYTHON} with torch and onnx is needed to build the folder` },
  () => {
    let root = '';
    let model: LoadedModel;
    const pythonEnv = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '1' };

    /** diffusion_samplers.py's transcription of generate() (no sub-block cache) on the checkpoint's PyTorch forward. */
    function published(promptIds: number[], genLength: number, extra: string[] = []): { generated_ids: number[]; forwards: number } {
      const args = ['--checkpoint', path.join(root, 'checkpoints', FOLDER), '--prompt-ids', JSON.stringify(promptIds), '--gen-length', String(genLength)];
      const script = path.join(projectRoot(), 'models', 'export', 'diffusion_samplers.py');
      return JSON.parse(execFileSync(PYTHON, [script, ...args, ...extra], { env: pythonEnv, encoding: 'utf8' })) as {
        generated_ids: number[];
        forwards: number;
      };
    }

    before(async () => {
      root = mkdtempSync(path.join(os.tmpdir(), 'dlm-fast-dllm-'));
      const script = path.join(projectRoot(), 'models', 'export', 'test_folders.py');
      execFileSync(PYTHON, [script, '--out', root, '--set', 'diffusion', '--only', FOLDER], { env: pythonEnv, stdio: ['ignore', 'ignore', 'inherit'] });
      model = await loadModel(await describeModelFolder(path.join(root, 'models', FOLDER)), SESSION);
    });
    after(async () => {
      await disposeAllModels();
      rmSync(root, { recursive: true, force: true });
    });

    const chat = (text: string) => `<|im_start|>user\n${text}<|im_end|>\n<|im_start|>assistant\n`;
    const SHORT = chat('What is the capital of France, and why is it famous?');
    const LONG = chat('Write a short story about a cat and a dog who become friends in Paris, one spring, told by the dog. Keep it under a hundred words.');
    const WHOLE_BLOCKS = `a${' a'.repeat(63)}`;
    /** Ours, asked for as many tokens as generate() returned (genLength / 32 blocks from the prompt's block on, then
     * the clean forward's token), must equal it and run the same forwards. */
    async function assertSameAsPublished(model: LoadedModel, prompt: string, genLength: number, threshold: number | null, stopToken?: number) {
      const extra = [
        ...(threshold === null ? [] : ['--threshold', String(threshold)]),
        ...(stopToken === undefined ? [] : ['--stop-token', String(stopToken)]),
      ];
      const reference = published(model.tokenizer.encodePrompt(prompt), genLength, extra);
      const stopped = stopToken !== undefined && reference.generated_ids.at(-1) === stopToken;
      const expected = stopped ? reference.generated_ids.slice(0, -1) : reference.generated_ids;
      assert.ok(!expected.some((id) => model.config.eosTokenIds.includes(id)), 'no stop id before the end: the whole output is compared');
      const settings = { maxNewTokens: stopped ? genLength : reference.generated_ids.length, ...(threshold === null ? {} : { threshold }) };
      const ours = await createEngine(model).generate({ prompt, settings });
      assert.deepEqual([ours.tokenIds, ours.stopReason], [expected, stopped ? 'eos' : 'max_tokens']);
      assert.equal(ours.timings.forwardPasses, reference.forwards);
      return reference.generated_ids;
    }

    test('the folder is taken as Fast-dLLM v2: blocks of bd_size at absolute positions, shifted logits, its mask and stop ids', () => {
      assert.deepEqual(
        [model.config.decoding, model.config.blockSampler, model.config.blockSize, model.config.diffusionLogits, model.config.maskTokenId],
        ['block_diffusion', 'fast_dllm_v2', 32, 'shifted', 151665],
      );
      assert.ok(model.config.eosTokenIds.includes(151645), 'generate() stops at <|im_end|>');
      const lengths = [SHORT, LONG, WHOLE_BLOCKS].map((p) => model.tokenizer.encodePrompt(p).length);
      assert.ok(lengths[0]! < 32 && lengths[1]! > 32 && lengths[1]! % 32 !== 0 && lengths[2] === 64, `prompt lengths ${lengths}`);
    });

    test('a short prompt over two blocks, one token a step (threshold 1); with a token of its second block as the stop token, it stops where generate() does', async () => {
      const free = await assertSameAsPublished(model, SHORT, 64, null);
      // A random model never says <|im_end|>: a token first generated in the second block stands in for it.
      const at = free.findIndex((id, i) => i >= 16 && free.indexOf(id) === i);
      assert.ok(at !== -1, 'a token first generated in the second block');
      const stopsThere: LoadedModel = { ...model, config: { ...model.config, eosTokenIds: [free[at]!] } };
      const stopped = await assertSameAsPublished(stopsThere, SHORT, 64, null, free[at]);
      assert.deepEqual(stopped, free.slice(0, at + 1));
    });

    test('a prompt past one block (its whole block prefilled, its tail heading the first block), threshold 0.5', async () => {
      await assertSameAsPublished(model, LONG, 32, 0.5);
    });

    test('a prompt of exactly two blocks (the prefill gives the first token), threshold 0.9', async () => {
      await assertSameAsPublished(model, WHOLE_BLOCKS, 32, 0.9);
    });
  },
);
