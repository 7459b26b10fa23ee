// LLaDA and Dream as published: random-weight checkpoints with the published config.json (no key of ours) and
// the families' special-token ids, exported to ONNX by models/export/ in a temp dir, decode token for token as
// the Python transcriptions of LLaDA's generate() and Dream's diffusion_generate() (models/export/
// diffusion_samplers.py) on the checkpoints' PyTorch forward. Fast-dLLM v2's equality test is
// block-diffusion/fast-dllm-v2.test.ts.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeModelFolder } from '../models/discover.ts';
import { projectRoot } from '../paths.ts';
import { chatFormatOf, formatChatPrompt } from './chat-format.ts';
import { createEngine } from './index.ts';
import { disposeAllModels, loadModel, type LoadedModel } from './loaded-model.ts';
import type { RemaskingPolicy } from './types.ts';

const PYTHON = '/usr/bin/python3';
const torchMissing = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;
const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
const pythonEnv = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '1' };
// GSAI-ML/LLaDA-8B-Instruct's chat template (Llama 3's, with LLaDA's BOS).
const LLADA_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

interface Published {
  generated_ids: number[];
  forwards: number;
}

describe(
  'LLaDA and Dream as published: equal to their samplers',
  { skip: torchMissing && `${PYTHON} with torch and onnx is needed to build the folders` },
  () => {
    let root = '';
    const models: Record<'llada' | 'dream', LoadedModel> = {} as never;

    function published(folder: string, promptIds: number[], args: string[]): Published {
      const script = path.join(projectRoot(), 'models', 'export', 'diffusion_samplers.py');
      const argv = [script, '--checkpoint', path.join(root, 'checkpoints', folder), '--prompt-ids', JSON.stringify(promptIds), ...args];
      return JSON.parse(execFileSync(PYTHON, argv, { env: pythonEnv, encoding: 'utf8' })) as Published;
    }

    /** The published canvas after the prompt, cut where our engine stops: at the first of the model's stop ids. */
    const untilStop = (model: LoadedModel, ids: number[]) => {
      const stop = ids.findIndex((id) => model.config.eosTokenIds.includes(id));
      return stop === -1 ? ids : ids.slice(0, stop);
    };

    before(async () => {
      root = mkdtempSync(path.join(os.tmpdir(), 'dlm-published-diffusion-'));
      const script = path.join(projectRoot(), 'models', 'export', 'test_folders.py');
      for (const [family, folder] of [
        ['llada', 'llada-random'],
        ['dream', 'dream-random'],
      ] as const) {
        execFileSync(PYTHON, [script, '--out', root, '--set', 'diffusion', '--only', folder], { env: pythonEnv, stdio: ['ignore', 'ignore', 'inherit'] });
        models[family] = await loadModel(await describeModelFolder(path.join(root, 'models', folder)), SESSION);
      }
    });
    after(async () => {
      await disposeAllModels();
      rmSync(root, { recursive: true, force: true });
    });

    test('inferred from the published config.json: kinds, masks, logits, stop ids, schedules', () => {
      const { llada, dream } = models;
      assert.deepEqual(
        [llada.config.decoding, llada.config.maskTokenId, llada.config.diffusionLogits, llada.config.eosTokenIds, llada.config.generationDefaults],
        ['diffusion', 126336, 'aligned', [126081, 126348], {}],
      );
      assert.deepEqual(
        [dream.config.decoding, dream.config.maskTokenId, dream.config.diffusionLogits, dream.config.eosTokenIds, dream.config.generationDefaults],
        ['diffusion', 151666, 'shifted', [151643, 151645], { schedule: 'dream' }],
      );
      assert.equal(llada.tokenizer.encodePrompt('hi')[0], 126080, "a raw prompt gets LLaDA's BOS, as its tokenizer adds it");
    });

    const lladaCases = [
      { name: 'a raw prompt (BOS added), one block', prompt: 'The capital of France is', genLength: 16, steps: 8, blockLength: 16 },
      {
        name: 'its chat template, three blocks',
        prompt: formatChatPrompt([{ role: 'user', content: 'What is 2 + 2?' }], chatFormatOf({ bos_token: '<|startoftext|>', chat_template: LLADA_TEMPLATE })),
        genLength: 24,
        steps: 12,
        blockLength: 8,
      },
    ];
    for (const c of lladaCases) {
      test(`LLaDA, ${c.name}: equals generate() (low_confidence, temperature 0)`, async () => {
        const model = models.llada;
        const promptIds = model.tokenizer.encodePrompt(c.prompt);
        const reference = published('llada-random', promptIds, [
          '--gen-length',
          String(c.genLength),
          '--steps',
          String(c.steps),
          '--block-length',
          String(c.blockLength),
        ]);
        const settings = { maxNewTokens: c.genLength, steps: c.steps, blockLength: c.blockLength };
        const ours = await createEngine(model).generate({ prompt: c.prompt, settings });
        assert.deepEqual(ours.tokenIds, untilStop(model, reference.generated_ids));
        assert.ok(ours.tokenIds.length >= c.genLength / 2, `enough tokens to compare: ${ours.tokenIds.length}`);
        assert.ok(ours.timings.forwardPasses <= reference.forwards);
      });
    }

    const dreamCases: { alg: string; remasking: RemaskingPolicy; genLength: number; steps: number }[] = [
      { alg: 'maskgit_plus', remasking: 'low_confidence', genLength: 16, steps: 8 },
      { alg: 'entropy', remasking: 'entropy', genLength: 12, steps: 4 },
      { alg: 'topk_margin', remasking: 'margin', genLength: 16, steps: 16 },
    ];
    for (const c of dreamCases) {
      test(`Dream, alg ${c.alg}, ${c.genLength} tokens in ${c.steps} steps: equals diffusion_generate() on Dream's schedule`, async () => {
        const model = models.dream;
        const prompt = 'def fibonacci(n):';
        const promptIds = model.tokenizer.encodePrompt(prompt);
        const reference = published('dream-random', promptIds, ['--gen-length', String(c.genLength), '--steps', String(c.steps), '--alg', c.alg]);
        const ours = await createEngine(model).generate({ prompt, settings: { maxNewTokens: c.genLength, steps: c.steps, remasking: c.remasking } });
        assert.equal(ours.settings.schedule, 'dream', "Dream's schedule without asking");
        assert.deepEqual(ours.tokenIds, untilStop(model, reference.generated_ids));
        assert.ok(ours.tokenIds.length >= c.genLength / 2, `enough tokens to compare: ${ours.tokenIds.length}`);
        assert.ok(ours.timings.forwardPasses <= reference.forwards);
      });
    }
  },
);
