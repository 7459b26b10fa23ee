// The parts of a Hugging Face config.json the engines need, validated once at load time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type LogitConvention, logitConventionProblem } from '../models/logit-convention.ts';
import { UserError } from '../user-error.ts';

/** A model folder whose config.json the engines cannot use as it is. */
export class ModelConfigError extends UserError {}

export interface DecoderConfig {
  decoding: 'autoregressive' | 'diffusion';
  numLayers: number; // num_hidden_layers
  numKeyValueHeads: number; // K/V heads in the cache (grouped-query attention aware)
  headDim: number; // per-head size of cached keys and values
  vocabSize: number;
  contextLength: number; // max_position_embeddings: prompt + output must fit
  eosTokenId: number;
  padTokenId: number | null;
  maskTokenId: number | null; // required for diffusion
  diffusionLogits: LogitConvention | null; // required for diffusion; null for AR
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
  const config = JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const decoding = config.decoding;
  if (decoding !== 'autoregressive' && decoding !== 'diffusion') {
    throw new ModelConfigError('config.json must say "decoding": "autoregressive" or "diffusion"');
  }
  const heads = requireInt(config, 'num_attention_heads');
  const eos = Array.isArray(config.eos_token_id) ? (config.eos_token_id[0] as unknown) : config.eos_token_id;
  if (typeof eos !== 'number') throw new ModelConfigError('config.json: "eos_token_id" is missing');
  const maskTokenId = typeof config.mask_token_id === 'number' ? config.mask_token_id : null;
  if (decoding === 'diffusion' && maskTokenId === null) throw new ModelConfigError('config.json: a diffusion model needs "mask_token_id"');
  const diffusionLogits = decoding === 'diffusion' ? readLogitConvention(config.diffusion_logits) : null;
  return {
    decoding,
    numLayers: requireInt(config, 'num_hidden_layers'),
    numKeyValueHeads: typeof config.num_key_value_heads === 'number' ? config.num_key_value_heads : heads,
    headDim: typeof config.head_dim === 'number' ? config.head_dim : requireInt(config, 'hidden_size') / heads,
    vocabSize: requireInt(config, 'vocab_size'),
    contextLength: requireInt(config, 'max_position_embeddings'),
    eosTokenId: eos,
    padTokenId: typeof config.pad_token_id === 'number' ? config.pad_token_id : null,
    maskTokenId,
    diffusionLogits,
  };
}
