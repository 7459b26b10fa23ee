// Published diffusion LM folders as downloaded: config.json shaped like LLaDA's, Dream's and Fast-dLLM v2's (no
// key of ours) over the bundled weights. Discovery infers what the family implies and says why; the engines
// decode them with the family's conventions: Dream's step schedule (checked against a transcription of Dream's
// _sample loop), several stop ids, and exactly what the same weights decode to when declared with our keys.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { BUNDLED_BLOCK_DIFFUSION_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../harness/bundled-models.ts';
import { modelsCommand } from '../cli/models-command.ts';
import { chatFormatOf, formatChatPrompt } from './chat-format.ts';
import { describeModelFolder, findModel, type ModelInfo } from '../models/discover.ts';
import { UserError } from '../user-error.ts';
import { createEngine, disposeAllModels, loadModel, type LoadedModel } from './index.ts';
import { ModelConfigError } from './model-config.ts';
import type { GenerationEvent, RemaskingPolicy } from './types.ts';

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
// torch.linspace(1, 1e-3, steps + 1), as torch 1.13 prints it: Dream's timesteps.
const TORCH_TIMESTEPS: Record<number, number[]> = {
  4: [1.0, 0.750249981880188, 0.5005000233650208, 0.25075000524520874, 0.0010000000474974513],
  8: [
    1.0, 0.875124990940094, 0.750249981880188, 0.625374972820282, 0.5005000233650208, 0.37562501430511475, 0.25075000524520874, 0.12587499618530273,
    0.0010000000474974513,
  ],
};

/**
 * Dream's _sample loop at temperature 0, written out (sharing no code with the engine): the whole canvas each
 * step, logits shifted as cat([logits[:, :1], logits[:, :-1]]), the confidence of its alg, int(n·(1 − s/t))
 * of the n masked positions by top-k (all of them at the last step). <mask> itself is never proposed, as in the engine.
 */
async function dreamReference(
  session: ort.InferenceSession,
  prompt: number[],
  o: { length: number; steps: number; alg: 'maskgit_plus' | 'topk_margin' | 'entropy'; maskId: number; vocab: number },
): Promise<number[]> {
  const x = [...prompt, ...new Array<number>(o.length).fill(o.maskId)];
  const t = Float32Array.from(TORCH_TIMESTEPS[o.steps]!);
  for (let i = 0; i < o.steps; i++) {
    const masked = x.flatMap((id, p) => (id === o.maskId ? [p] : []));
    const ids = new ort.Tensor('int64', BigInt64Array.from(x.map(BigInt)), [1, x.length]);
    const ones = new ort.Tensor('int64', new BigInt64Array(x.length).fill(1n), [1, x.length]);
    const raw = (await session.run({ input_ids: ids, attention_mask: ones })).logits!.data as Float32Array;
    const scored = masked.map((p) => {
      const row = Array.from(raw.subarray(Math.max(p - 1, 0) * o.vocab, (Math.max(p - 1, 0) + 1) * o.vocab), Number);
      const top = Math.max(...row);
      const z = row.reduce((a, v) => a + Math.exp(v - top), 0);
      const probs = row.map((v) => Math.exp(v - top) / z);
      const token = row.indexOf(Math.max(...row.filter((_, v) => v !== o.maskId)));
      const sorted = [...probs].sort((a, b) => b - a);
      const confidence =
        o.alg === 'maskgit_plus'
          ? probs[token]!
          : o.alg === 'topk_margin'
            ? sorted[0]! - sorted[1]!
            : probs.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0);
      return { p, token, confidence };
    });
    const ratio = new Float32Array(1);
    ratio[0] = 1 - Math.fround(t[i + 1]! / t[i]!);
    const count = i < o.steps - 1 ? Math.trunc(Math.fround(masked.length * ratio[0]!)) : masked.length;
    for (const s of scored.sort((a, b) => b.confidence - a.confidence || a.p - b.p).slice(0, count)) x[s.p] = s.token;
  }
  return x.slice(prompt.length);
}

let scratch: string;
let modelsDir: string;
let diffusionSource: ModelInfo;
let blockSource: ModelInfo;
const previousModelsDir = process.env.DLM_MODELS_DIR;

/** A folder as a publisher ships it: the source's tokenizer and ONNX graphs, and `config` as its only config.json. */
function publishedFolder(source: ModelInfo, name: string, config: Record<string, unknown>): string {
  const dir = path.join(modelsDir, name);
  mkdirSync(dir, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(path.join(source.dir, file), path.join(dir, file));
  symlinkSync(path.join(source.dir, 'onnx'), path.join(dir, 'onnx'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const readConfig = (info: ModelInfo) => JSON.parse(readFileSync(path.join(info.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
const withoutOurKeys = ({ decoding: _d, diffusion_logits: _l, block_size: _b, is_causal: _c, ...rest }: Record<string, unknown>) => rest;

let dreamDir: string;
let lladaDir: string;
let fastDir: string;
let sdarDir: string;
let alignedBlockDir: string;

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dlm-families-'));
  modelsDir = path.join(scratch, 'models');
  diffusionSource = await findModel(BUNDLED_DIFFUSION_MODEL_ID);
  blockSource = await findModel(BUNDLED_BLOCK_DIFFUSION_MODEL_ID);
  const bundled = readConfig(diffusionSource);
  dreamDir = publishedFolder(diffusionSource, 'dream-shaped', { ...withoutOurKeys(bundled), model_type: 'Dream', architectures: ['DreamModel'] });
  // LLaDA's OLMo-style keys, the same network.
  lladaDir = publishedFolder(diffusionSource, 'llada-shaped', {
    model_type: 'llada',
    architectures: ['LLaDAModelLM'],
    d_model: bundled.hidden_size,
    n_layers: bundled.num_hidden_layers,
    n_heads: bundled.num_attention_heads,
    n_kv_heads: bundled.num_key_value_heads,
    mlp_hidden_size: bundled.intermediate_size,
    embedding_size: bundled.vocab_size,
    vocab_size: bundled.vocab_size,
    max_sequence_length: bundled.max_position_embeddings,
    mask_token_id: bundled.mask_token_id,
    eos_token_id: bundled.eos_token_id,
    pad_token_id: bundled.pad_token_id,
  });
  const block = readConfig(blockSource);
  fastDir = publishedFolder(blockSource, 'fast-dllm-v2-shaped', {
    ...withoutOurKeys(block),
    model_type: 'Fast_dLLM_Qwen',
    architectures: ['Fast_dLLM_QwenForCausalLM'],
    bd_size: block.block_size,
  });
  // SDAR's conventions (aligned logits, "block_size"), and the same weights with our keys saying the same.
  sdarDir = publishedFolder(blockSource, 'sdar-shaped', {
    ...withoutOurKeys(block),
    model_type: 'sdar',
    architectures: ['SDARForCausalLM'],
    block_size: block.block_size,
  });
  alignedBlockDir = publishedFolder(blockSource, 'aligned-block-ours', { ...block, diffusion_logits: 'aligned' });
});

after(async () => {
  await disposeAllModels();
  if (previousModelsDir === undefined) delete process.env.DLM_MODELS_DIR;
  else process.env.DLM_MODELS_DIR = previousModelsDir;
  rmSync(scratch, { recursive: true, force: true });
});

describe('published diffusion folders', () => {
  test('discovery infers kind, mask, logits and block size from model_type, and says so', async () => {
    const dream = await describeModelFolder(dreamDir);
    assert.deepEqual([dream.decoding, dream.maskTokenId, dream.diffusionLogits, dream.problems], ['diffusion', 2, 'shifted', []]);
    assert.match(dream.decodingInferred ?? '', /^inferred from model_type "Dream" \(Dream\): mask 2 from mask_token_id, shifted logits \(Dream's convention\)/);
    const llada = await describeModelFolder(lladaDir);
    assert.deepEqual([llada.decoding, llada.diffusionLogits, llada.contextLength, llada.vocabSize, llada.problems], ['diffusion', 'aligned', 1024, 100, []]);
    const fast = await describeModelFolder(fastDir);
    assert.deepEqual([fast.decoding, fast.blockSize, fast.diffusionLogits, fast.problems], ['block_diffusion', 32, 'shifted', []]);
    assert.match(fast.decodingInferred ?? '', /blocks of 32 from bd_size/);
  });

  test('`dlm models` prints what it inferred and why, and a refused folder in one line', async () => {
    const ambiguous = publishedFolder(diffusionSource, 'dream-with-blocks', {
      ...withoutOurKeys(readConfig(diffusionSource)),
      model_type: 'Dream',
      block_size: 8,
    });
    process.env.DLM_MODELS_DIR = modelsDir;
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(' '));
    try {
      assert.equal(await modelsCommand([]), 0);
    } finally {
      console.log = log;
    }
    const out = lines.join('\n');
    assert.match(out, /\n {2}dream-shaped: diffusion, inferred from model_type "Dream" \(Dream\): mask 2 from mask_token_id, shifted logits/);
    assert.match(out, /\n {2}fast-dllm-v2-shaped: block_diffusion, inferred from model_type "Fast_dLLM_Qwen" \(Fast-dLLM v2\)/);
    assert.match(out, /\n {2}dream-with-blocks: config\.json: model_type "Dream" \(Dream\) decodes the whole canvas, but "block_size" is set/);
    const refused = await describeModelFolder(ambiguous);
    await assert.rejects(
      loadModel(refused, SESSION),
      (e: Error) => e instanceof ModelConfigError && e instanceof UserError && /"block_size" is set/.test(e.message),
    );
  });

  const algs: [RemaskingPolicy, 'maskgit_plus' | 'topk_margin' | 'entropy'][] = [
    ['low_confidence', 'maskgit_plus'],
    ['margin', 'topk_margin'],
    ['entropy', 'entropy'],
  ];
  for (const [remasking, alg] of algs) {
    test(`a Dream folder decodes with Dream's schedule by default: equals its _sample loop (alg ${alg})`, async () => {
      const model = await loadModel(await describeModelFolder(dreamDir), SESSION);
      assert.deepEqual(model.config.generationDefaults, { schedule: 'dream' });
      for (const [prompt, length, steps] of [
        ['copy: a1b2c3d4\n', 16, 8],
        ['reverse: hello\n', 12, 4],
      ] as const) {
        const events: GenerationEvent[] = [];
        const ours = await createEngine(model).generate({ prompt, settings: { maxNewTokens: length, steps, remasking } }, { onEvent: (e) => events.push(e) });
        assert.equal(ours.settings.schedule, 'dream');
        const canvas = await dreamReference(model.session, model.tokenizer.encode(prompt), { length, steps, alg, maskId: 2, vocab: model.config.vocabSize });
        const eos = canvas.indexOf(1);
        assert.deepEqual(ours.tokenIds, canvas.slice(0, eos === -1 ? canvas.length : eos), `${prompt.trim()} L=${length} steps=${steps}`);
        const first = events.find((e) => e.type === 'step');
        if (length === 12) assert.equal(first?.type === 'step' && first.committed.length, 2, "int(12 × 0.24975) = 2, where LLaDA's even split commits 3");
      }
    });
  }

  test("Dream's schedule is a setting like any: LLaDA's given explicitly decodes as the same weights declared with our keys", async () => {
    const dream = createEngine(await loadModel(await describeModelFolder(dreamDir), SESSION));
    const ours = createEngine(await loadModel(diffusionSource, SESSION));
    const settings = { maxNewTokens: 16, steps: 8, blockLength: 8, schedule: 'llada' as const };
    assert.deepEqual(
      (await dream.generate({ prompt: 'sort: 93710284\n', settings })).tokenIds,
      (await ours.generate({ prompt: 'sort: 93710284\n', settings })).tokenIds,
    );
    await assert.rejects(dream.generate({ prompt: 'a\n', settings: { schedule: 'mdlm' as never } }), /schedule must be one of llada, dream, got "mdlm"/);
  });

  test('"random" remasking on Dream\'s schedule is its "origin": reproducible for a seed, every position revealed by the last step', async () => {
    const dream = createEngine(await loadModel(await describeModelFolder(dreamDir), SESSION));
    const request = { prompt: 'copy: zz9\n', settings: { maxNewTokens: 16, steps: 4, remasking: 'random' as const, seed: 7, minNewTokens: 16 } };
    const first = await dream.generate(request);
    assert.deepEqual((await dream.generate(request)).tokenIds, first.tokenIds);
    assert.equal(first.tokenIds.length, 16);
    assert.equal(first.timings.forwardPasses, 4);
  });

  test("an SDAR folder decodes with the recipe's block sampler exactly as the same weights declared with our keys", async () => {
    const sdar = createEngine(await loadModel(await describeModelFolder(sdarDir), SESSION));
    const declared = createEngine(await loadModel(await describeModelFolder(alignedBlockDir), SESSION));
    assert.equal(sdar.kind, 'block_diffusion');
    for (const settings of [
      { maxNewTokens: 64, steps: 16 },
      { maxNewTokens: 32, threshold: 0.9 },
    ]) {
      const a = await sdar.generate({ prompt: 'reverse: abc123\n', settings });
      const b = await declared.generate({ prompt: 'reverse: abc123\n', settings });
      assert.deepEqual([a.tokenIds, a.timings.forwardPasses], [b.tokenIds, b.timings.forwardPasses]);
    }
  });

  test("a Fast-dLLM v2 folder gets Fast-dLLM v2's own block sampler", async () => {
    const model = await loadModel(await describeModelFolder(fastDir), SESSION);
    assert.deepEqual([model.config.decoding, model.config.blockSampler, model.config.blockSize], ['block_diffusion', 'fast_dllm_v2', 32]);
    const recipe = await loadModel(blockSource, SESSION);
    assert.equal(recipe.config.blockSampler, 'recipe', 'a folder with our keys keeps the recipe sampler');
  });

  test('every stop id ends the output: an end-of-turn id cuts it where it is first committed (LLaDA-shaped, aligned logits)', async () => {
    const model = await loadModel(await describeModelFolder(lladaDir), SESSION);
    assert.equal(model.config.diffusionLogits, 'aligned');
    const settings = { maxNewTokens: 24, steps: 24 };
    const plain = await createEngine(model).generate({ prompt: 'copy: abcdefgh\n', settings });
    assert.ok(plain.tokenIds.length >= 4, `needs a few tokens to cut: ${plain.tokenIds}`);
    const turnEnd = plain.tokenIds[2]!; // taken as an end-of-turn id, as LLaDA's <|eot_id|> is
    const cut = plain.tokenIds.indexOf(turnEnd);
    const withTurnEnd: LoadedModel = { ...model, config: { ...model.config, eosTokenIds: [...model.config.eosTokenIds, turnEnd] } };
    const stopped = await createEngine(withTurnEnd).generate({ prompt: 'copy: abcdefgh\n', settings });
    assert.deepEqual(stopped.tokenIds, plain.tokenIds.slice(0, cut));
    assert.equal(stopped.stopReason, 'eos');
    assert.ok(stopped.timings.forwardPasses <= plain.timings.forwardPasses);
    const suppressed = await createEngine(withTurnEnd).generate({ prompt: 'copy: abcdefgh\n', settings: { ...settings, minNewTokens: 24 } });
    assert.ok(!suppressed.tokenIds.includes(turnEnd) && !suppressed.tokenIds.includes(1), 'no stop id is proposed before minNewTokens');
    assert.equal(suppressed.tokenIds.length, 24);
  });

  test("LLaDA-8B-Instruct's chat template renders as its generate.py expects: BOS, header, <|eot_id|>, the assistant header", () => {
    // tokenizer_config.json of GSAI-ML/LLaDA-8B-Instruct (Llama 3's template, its own BOS).
    const format = chatFormatOf({
      bos_token: '<|startoftext|>',
      eos_token: '<|eot_id|>',
      chat_template:
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
    });
    assert.equal(
      formatChatPrompt([{ role: 'user', content: ' What is 2+2? ' }], format),
      '<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });
});
