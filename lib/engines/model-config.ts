// The parts of a Hugging Face config.json the engines need, validated once at load time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inferDecoding } from '../models/causal-lm.ts';
import { type BlockSampler, inferDiffusion, isFamilyProblem, withStandardKeys } from '../models/diffusion-families.ts';
import { type LogitConvention, logitConventionProblem } from '../models/logit-convention.ts';
import { readSpecialTokens } from '../models/special-tokens.ts';
import { UserError } from '../user-error.ts';
import { DECODING_DEFAULTS } from './decoding-schema.ts';
import { readGenerationConfig, tokenIdList } from './generation-config.ts';
import type { DecodingSettings } from './types.ts';

/** A model folder whose config.json the engines cannot use as it is. */
export class ModelConfigError extends UserError {}

export interface DecoderConfig {
  decoding: 'autoregressive' | 'diffusion' | 'block_diffusion';
  numLayers: number; // num_hidden_layers
  numKeyValueHeads: number; // K/V heads in the cache (grouped-query attention aware)
  headDim: number; // per-head size of cached keys and values
  vocabSize: number;
  contextLength: number; // max_position_embeddings: prompt + output must fit
  eosTokenId: number; // the first of eosTokenIds
  eosTokenIds: number[]; // every id that ends a sequence: config.json's and generation_config.json's
  generationDefaults: Partial<DecodingSettings>; // AR: generation_config.json's sampling defaults; diffusion: its family's schedule
  padTokenId: number | null;
  maskTokenId: number | null; // required for diffusion
  diffusionLogits: LogitConvention | null; // required for diffusion; null for AR
  blockSize: number | null; // block diffusion only: config.json "block_size", the tokens decoded together
  blockSampler?: BlockSampler; // block diffusion: a published family's own sampler (Fast-dLLM v2's); default the recipe's
}

function requireInt(config: Record<string, unknown>, key: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ModelConfigError(`config.json: "${key}" must be an integer`);
  return value;
}

function readLogitConvention(value: unknown): LogitConvention {
  const problem = logitConventionProblem(value);
  if (problem) throw new ModelConfigError(problem);
  return value as LogitConvention;
}

export function readDecoderConfig(modelDir: string): DecoderConfig {
  const config = withStandardKeys(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>);
  // A published diffusion LM (LLaDA, Dream, Fast-dLLM v2, SDAR) or causal LM needs no key of ours.
  const family = inferDiffusion(config, () => readSpecialTokens(modelDir));
  if (isFamilyProblem(family)) throw new ModelConfigError(family.problem);
  const decoding = family?.decoding ?? config.decoding ?? inferDecoding(config)?.decoding;
  if (decoding !== 'autoregressive' && decoding !== 'diffusion' && decoding !== 'block_diffusion') {
    throw new ModelConfigError('config.json must say "decoding": "autoregressive", "diffusion" or "block_diffusion"');
  }
  const masked = decoding !== 'autoregressive'; // both diffusion kinds fill <mask> positions
  const heads = requireInt(config, 'num_attention_heads');
  const generation = readGenerationConfig(modelDir);
  // Every id that ends an answer: LLaDA pads its answers with <|endoftext|> after <|eot_id|>, Dream's chat turn ends in <|im_end|>.
  const eosTokenIds = [...new Set([...tokenIdList(config.eos_token_id), ...generation.eosTokenIds, ...(family?.turnEndTokenIds ?? [])])];
  const eos = eosTokenIds[0];
  if (eos === undefined) throw new ModelConfigError('config.json: "eos_token_id" is missing');
  const maskTokenId = family ? family.maskTokenId : typeof config.mask_token_id === 'number' ? config.mask_token_id : null;
  if (masked && maskTokenId === null) throw new ModelConfigError('config.json: a diffusion model needs "mask_token_id"');
  const diffusionLogits = family ? family.diffusionLogits : masked ? readLogitConvention(config.diffusion_logits) : null;
  const blockSize = family ? family.blockSize : decoding === 'block_diffusion' ? requireInt(config, 'block_size') : null;
  if (blockSize !== null && blockSize < 1) throw new ModelConfigError('config.json: "block_size" must be a positive integer');
  const familyDefaults: Partial<DecodingSettings> = family && family.family.sampler !== DECODING_DEFAULTS.schedule ? { schedule: family.family.sampler } : {};
  return {
    decoding,
    numLayers: requireInt(config, 'num_hidden_layers'),
    numKeyValueHeads: typeof config.num_key_value_heads === 'number' ? config.num_key_value_heads : heads,
    headDim: typeof config.head_dim === 'number' ? config.head_dim : requireInt(config, 'hidden_size') / heads,
    vocabSize: requireInt(config, 'vocab_size'),
    contextLength: requireInt(config, 'max_position_embeddings'),
    eosTokenId: eos,
    eosTokenIds,
    generationDefaults: decoding === 'autoregressive' ? generation.defaults : familyDefaults, // diffusion: the family's sampler
    padTokenId: typeof config.pad_token_id === 'number' ? config.pad_token_id : null,
    maskTokenId,
    diffusionLogits,
    blockSize,
    blockSampler: family?.family.blockSampler ?? 'recipe',
  };
}
