// Published diffusion LMs' config.json files (fixtures/, copied from the publishers' files) are recognised as
// they are: kind, mask id, logits convention, stop ids and block size, each with the key it came from; a
// missing or ambiguous fact is one line naming the key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inferDecoding } from './causal-lm.ts';
import { DIFFUSION_FAMILIES, inferDiffusion, type InferredDiffusion, isFamilyProblem, withStandardKeys } from './diffusion-families.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const published = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(fixtures, `${name}.config.json`), 'utf8'));
const specialTokens = JSON.parse(readFileSync(path.join(fixtures, 'special-tokens.json'), 'utf8')) as Record<string, Record<string, number>>;
const tokensOf = (family: string, without: string[] = []) => () =>
  new Map(Object.entries(specialTokens[family]!).filter(([text]) => !without.includes(text))) as ReadonlyMap<string, number>;
const noTokens = () => new Map<string, number>();

function inferred(config: Record<string, unknown>, tokens: () => ReadonlyMap<string, number>): InferredDiffusion {
  const result = inferDiffusion(withStandardKeys(config), tokens);
  assert.ok(result && !isFamilyProblem(result), JSON.stringify(result));
  return result;
}

function problem(config: Record<string, unknown>, tokens: () => ReadonlyMap<string, number>): string {
  const result = inferDiffusion(withStandardKeys(config), tokens);
  assert.ok(isFamilyProblem(result), `expected a problem, got ${JSON.stringify(result)}`);
  return result.problem;
}

describe('published diffusion families', () => {
  test('LLaDA-8B-Instruct: aligned logits, mask 126336 from its config, <|eot_id|> ends an answer too', () => {
    const llada = inferred(published('llada-8b-instruct'), tokensOf('llada'));
    assert.deepEqual(
      [llada.family.name, llada.decoding, llada.maskTokenId, llada.diffusionLogits, llada.blockSize, llada.turnEndTokenIds],
      ['LLaDA', 'diffusion', 126336, 'aligned', null, [126348]],
    );
    assert.equal(
      llada.reason,
      'inferred from model_type "llada" (LLaDA): mask 126336 from mask_token_id, aligned logits (LLaDA\'s convention), also ends at <|eot_id|> 126348',
    );
  });

  test("LLaDA's OLMo-style keys are read under transformers' names; the logits are embedding_size wide", () => {
    const config = withStandardKeys({ ...published('llada-8b-instruct'), embedding_size: 126464 + 128 });
    assert.deepEqual(
      [config.num_hidden_layers, config.num_attention_heads, config.num_key_value_heads, config.hidden_size, config.max_position_embeddings, config.vocab_size],
      [32, 32, 32, 4096, 4096, 126592],
    );
    assert.equal(withStandardKeys({ model_type: 'llama', n_layers: 3 }).num_hidden_layers, undefined, 'only a family with its own names is renamed');
  });

  test('a LLaDA config without mask_token_id takes <|mdm_mask|> from the tokenizer, or is refused naming the key', () => {
    const { mask_token_id: _, ...config } = published('llada-8b-instruct');
    const llada = inferred(config, tokensOf('llada'));
    assert.equal(llada.maskTokenId, 126336);
    assert.match(llada.reason, /mask 126336 from tokenizer's <\|mdm_mask\|>/);
    assert.equal(
      problem(config, noTokens),
      'config.json: model_type "llada" (LLaDA) needs "mask_token_id" (its tokenizer has no <|mdm_mask|> token either)',
    );
  });

  test("Dream-v0-Instruct-7B: shifted logits, mask 151666, <|im_end|> ends a turn, Dream's step schedule", () => {
    const dream = inferred(published('dream-v0-instruct-7b'), tokensOf('dream'));
    assert.deepEqual(
      [dream.decoding, dream.maskTokenId, dream.diffusionLogits, dream.turnEndTokenIds, dream.family.sampler],
      ['diffusion', 151666, 'shifted', [151645], 'dream'],
    );
    assert.match(dream.reason, /^inferred from model_type "Dream" \(Dream\): mask 151666 from mask_token_id, shifted logits/);
    assert.match(dream.reason, /Dream's step schedule$/);
    assert.deepEqual(inferred(published('dream-v0-instruct-7b'), noTokens).turnEndTokenIds, [], 'a base tokenizer without <|im_end|>');
  });

  test('Fast-dLLM v2: block diffusion, blocks of bd_size, its mask "|<MASK>|" found in the tokenizer (no config key)', () => {
    const fast = inferred(published('fast-dllm-v2-7b'), tokensOf('fast_dllm_v2'));
    assert.deepEqual(
      [fast.family.name, fast.decoding, fast.blockSize, fast.maskTokenId, fast.diffusionLogits, fast.turnEndTokenIds],
      ['Fast-dLLM v2', 'block_diffusion', 32, 151665, 'shifted', [151645]],
    );
    assert.match(fast.reason, /mask 151665 from tokenizer's \|<MASK>\|, shifted logits \(Fast-dLLM v2's convention\), blocks of 32 from bd_size/);
    const { bd_size: _, ...noBlock } = published('fast-dllm-v2-7b');
    assert.equal(
      problem(noBlock, tokensOf('fast_dllm_v2')),
      'config.json: model_type "Fast_dLLM_Qwen" (Fast-dLLM v2) is block diffusion and needs a positive integer "bd_size" (it is missing)',
    );
    assert.match(problem(published('fast-dllm-v2-7b'), tokensOf('fast_dllm_v2', ['|<MASK>|'])), /needs "mask_token_id" \(its tokenizer has no \|<MASK>\| token either\)/);
  });

  test('SDAR-1.7B-Chat: block diffusion, blocks of block_size 4, aligned logits, mask 151669', () => {
    const sdar = inferred(published('sdar-1.7b-chat'), tokensOf('sdar'));
    assert.deepEqual([sdar.decoding, sdar.blockSize, sdar.maskTokenId, sdar.diffusionLogits], ['block_diffusion', 4, 151669, 'aligned']);
    assert.match(sdar.reason, /blocks of 4 from block_size, also ends at <\|im_end\|> 151645, the recipe's block sampler$/);
    assert.match(problem({ ...published('sdar-1.7b-chat'), block_size: 0 }, tokensOf('sdar')), /needs a positive integer "block_size" \(got 0\)/);
  });

  test('ambiguous or wrong facts are refused in one line naming the key', () => {
    const dream = published('dream-v0-instruct-7b');
    assert.equal(
      problem({ ...dream, block_size: 32 }, tokensOf('dream')),
      'config.json: model_type "Dream" (Dream) decodes the whole canvas, but "block_size" is set: add "decoding": "diffusion" or "block_diffusion"',
    );
    assert.match(problem({ ...published('fast-dllm-v2-7b'), block_size: 16 }, tokensOf('fast_dllm_v2')), /"block_size" \(16\) and "bd_size" \(32\) disagree/);
    assert.match(problem({ ...dream, mask_token_id: 152064 }, tokensOf('dream')), /"mask_token_id" must be a token id below vocab_size \(152064\), got 152064/);
    assert.match(problem({ ...dream, diffusion_logits: 'left' }, tokensOf('dream')), /"diffusion_logits": "aligned" or "shifted" \(got "left"\)/);
    for (const line of [problem({ ...dream, block_size: 32 }, tokensOf('dream')), problem({ ...dream, mask_token_id: -1 }, noTokens)]) {
      assert.ok(!line.includes('\n'), 'one line');
    }
  });

  test('keys of ours win over the family: "decoding" settles the ambiguity, "diffusion_logits" overrides the convention', () => {
    const blocks = inferred({ ...published('dream-v0-instruct-7b'), decoding: 'block_diffusion', block_size: 8 }, tokensOf('dream'));
    assert.deepEqual([blocks.decoding, blocks.blockSize, blocks.diffusionLogits], ['block_diffusion', 8, 'shifted']);
    assert.match(blocks.reason, /^"decoding" given; the rest inferred from model_type "Dream"/);
    assert.equal(inferred({ ...published('llada-8b-instruct'), diffusion_logits: 'shifted' }, tokensOf('llada')).diffusionLogits, 'shifted');
    assert.equal(inferDiffusion({ ...published('llada-8b-instruct'), decoding: 'autoregressive' }, noTokens), null, 'an explicit AR folder is not a family');
  });

  test('causal LMs and unknown model types are no family; no family is taken for a causal LM', () => {
    assert.equal(inferDiffusion({ model_type: 'llama', architectures: ['LlamaForCausalLM'] }, noTokens), null);
    assert.equal(inferDiffusion({ model_type: 'dream' }, noTokens), null, 'model_type is matched exactly as published');
    for (const family of DIFFUSION_FAMILIES) {
      for (const modelType of family.modelTypes) assert.equal(inferDecoding({ model_type: modelType }), null, `${modelType} is not autoregressive`);
    }
  });
});
