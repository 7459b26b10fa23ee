// Published diffusion LMs carry no "decoding" key of ours: their config.json's model_type names the family, and
// the family's published code fixes the rest: how the logits line up with the canvas, which token is <mask>,
// which tokens end an answer, how many tokens a block holds. Declared once here (like causal-lm.ts); discovery
// and loading both infer from it, and `dlm models` says what was inferred and from which key.
//
// Sources: LLaDA: ML-GSAI/LLaDA generate.py (mask 126336, logits used as they are, <|endoftext|> 126081 and
// <|eot_id|> 126348 after an answer) and GSAI-ML/LLaDA-8B-Instruct config.json (model_type "llada",
// mask_token_id 126336, eos_token_id 126081). Dream: HKUNLP/Dream generation_utils.py (logits shifted by one,
// cat([logits[:, :1], logits[:, :-1]])) and configuration_dream.py (model_type "Dream", mask_token_id 151666;
// eos 151643, the chat turn ends with <|im_end|> 151645). Fast-dLLM v2: Efficient-Large-Model/Fast_dLLM_v2_*
// modeling.py (model_type "Fast_dLLM_Qwen", "bd_size" 32, mask "|<MASK>|" 151665 only as generate()'s
// default, the same one-row shift, stop token <|im_end|> 151645). SDAR: JetAstra/SDAR generate.py and
// config.json (model_type "sdar", "block_size" 4, mask_token_id 151669 <|MASK|>, logits used as they are).
import { isLogitConvention, type LogitConvention, logitConventionProblem } from './logit-convention.ts';
import type { SpecialTokens } from './special-tokens.ts';

/** The published samplers whose step schedules the diffusion engines implement (the decoding setting "schedule"). */
export const DIFFUSION_SAMPLERS = ['llada', 'dream'] as const;
export type DiffusionSampler = (typeof DIFFUSION_SAMPLERS)[number];

/** Block samplers: the recipe's (blocks from the prompt's end, BD3-LM style) or Fast-dLLM v2's generate()
 * (blocks at absolute positions, sub-blocks, the next block's first token from the finished block). */
export const BLOCK_SAMPLERS = ['recipe', 'fast_dllm_v2'] as const;
export type BlockSampler = (typeof BLOCK_SAMPLERS)[number];

export interface DiffusionFamily {
  name: string; // as `dlm models` names it
  modelTypes: readonly string[]; // config.json model_type, exactly as published (Dream's is capitalised)
  decoding: 'diffusion' | 'block_diffusion';
  logits: LogitConvention;
  maskToken: string; // the <mask> token's text, looked up in the tokenizer when config.json has no mask_token_id
  turnEndTokens: readonly string[]; // tokens that end an answer besides eos_token_id (chat turns), when the tokenizer has them
  blockSizeKey: string | null; // block diffusion: the config.json key with the trained block size
  sampler: DiffusionSampler; // whose step schedule it decodes with unless a request says otherwise
  configKeys?: Readonly<Record<string, string>>; // transformers' key -> the family's own name for it
  blockSampler?: BlockSampler; // block diffusion: the sampler its model was trained for (default: the recipe's)
}

export const DIFFUSION_FAMILIES: readonly DiffusionFamily[] = [
  {
    name: 'LLaDA',
    modelTypes: ['llada'],
    decoding: 'diffusion',
    logits: 'aligned',
    maskToken: '<|mdm_mask|>',
    turnEndTokens: ['<|eot_id|>'],
    blockSizeKey: null,
    sampler: 'llada',
    // OLMo-style names; the head is embedding_size wide (vocab_size padded), so that is the logits' width.
    configKeys: {
      num_hidden_layers: 'n_layers',
      num_attention_heads: 'n_heads',
      num_key_value_heads: 'n_kv_heads',
      hidden_size: 'd_model',
      max_position_embeddings: 'max_sequence_length',
      vocab_size: 'embedding_size',
    },
  },
  {
    name: 'Dream',
    modelTypes: ['Dream'],
    decoding: 'diffusion',
    logits: 'shifted',
    maskToken: '<|mask|>',
    turnEndTokens: ['<|im_end|>'],
    blockSizeKey: null,
    sampler: 'dream',
  },
  {
    name: 'Fast-dLLM v2',
    modelTypes: ['Fast_dLLM_Qwen'],
    decoding: 'block_diffusion',
    logits: 'shifted',
    maskToken: '|<MASK>|',
    turnEndTokens: ['<|im_end|>'],
    blockSizeKey: 'bd_size',
    sampler: 'llada',
    blockSampler: 'fast_dllm_v2',
  },
  {
    name: 'SDAR',
    modelTypes: ['sdar'],
    decoding: 'block_diffusion',
    logits: 'aligned',
    maskToken: '<|MASK|>',
    turnEndTokens: ['<|im_end|>'],
    blockSizeKey: 'block_size',
    sampler: 'llada',
  },
];

/** Keys that give a block size: ours and the published families'. On a full-canvas family they make it ambiguous. */
const BLOCK_SIZE_KEYS = ['block_size', ...new Set(DIFFUSION_FAMILIES.flatMap((f) => (f.blockSizeKey ? [f.blockSizeKey] : [])))];

export function diffusionFamilyOf(config: Record<string, unknown>): DiffusionFamily | null {
  return DIFFUSION_FAMILIES.find((f) => typeof config.model_type === 'string' && f.modelTypes.includes(config.model_type)) ?? null;
}

/** config.json with transformers' key names filled in from a family's own (LLaDA's n_layers, d_model, ...). */
export function withStandardKeys(config: Record<string, unknown>): Record<string, unknown> {
  const keys = diffusionFamilyOf(config)?.configKeys;
  if (!keys) return config;
  const out = { ...config };
  for (const [standard, theirs] of Object.entries(keys)) if (config[theirs] !== undefined && config[theirs] !== null) out[standard] = config[theirs];
  return out;
}

export interface InferredDiffusion {
  family: DiffusionFamily;
  decoding: 'diffusion' | 'block_diffusion';
  maskTokenId: number;
  diffusionLogits: LogitConvention;
  blockSize: number | null;
  turnEndTokenIds: number[]; // the family's end-of-turn tokens the tokenizer has; they end an answer like EOS
  reason: string; // shown by `dlm models`: what was inferred and from which key
}

/** Why a family folder cannot be used, in one line naming the key to add or fix. */
export interface FamilyProblem {
  problem: string;
}

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/**
 * What a published diffusion LM's config.json implies, or null when its model_type is no family here (or the
 * folder says "decoding": "autoregressive" itself). Keys of ours that the folder gives win over the family's
 * conventions ("decoding", "diffusion_logits", "block_size"); a missing fact or an ambiguous one is a problem.
 * `tokens` is read only when a token must be found by its text.
 */
export function inferDiffusion(config: Record<string, unknown>, tokens: () => SpecialTokens): InferredDiffusion | FamilyProblem | null {
  const family = diffusionFamilyOf(config);
  const explicit = config.decoding;
  if (!family || (explicit !== undefined && explicit !== 'diffusion' && explicit !== 'block_diffusion')) return null;
  const label = `model_type "${String(config.model_type)}" (${family.name})`;

  let decoding = family.decoding;
  if (explicit === 'diffusion' || explicit === 'block_diffusion') decoding = explicit;
  else if (family.decoding === 'diffusion') {
    const blockKey = BLOCK_SIZE_KEYS.find((k) => config[k] !== undefined && config[k] !== null);
    if (blockKey) return { problem: `config.json: ${label} decodes the whole canvas, but "${blockKey}" is set: add "decoding": "diffusion" or "block_diffusion"` };
  }

  if (config.diffusion_logits !== undefined) {
    const problem = logitConventionProblem(config.diffusion_logits);
    if (problem) return { problem };
  }
  const diffusionLogits = isLogitConvention(config.diffusion_logits) ? config.diffusion_logits : family.logits;
  const logitsFrom = isLogitConvention(config.diffusion_logits) ? 'diffusion_logits' : `${family.name}'s convention`;

  const vocab = typeof config.vocab_size === 'number' ? config.vocab_size : Infinity;
  let maskTokenId: number;
  let maskFrom: string;
  if (config.mask_token_id !== undefined && config.mask_token_id !== null) {
    const id = config.mask_token_id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocab) {
      return { problem: `config.json: "mask_token_id" must be a token id below vocab_size (${vocab}), got ${JSON.stringify(id)}` };
    }
    [maskTokenId, maskFrom] = [id, 'mask_token_id'];
  } else {
    const id = tokens().get(family.maskToken);
    if (id === undefined) return { problem: `config.json: ${label} needs "mask_token_id" (its tokenizer has no ${family.maskToken} token either)` };
    [maskTokenId, maskFrom] = [id, `tokenizer's ${family.maskToken}`];
  }

  let blockSize: number | null = null;
  let blockFrom = '';
  if (decoding === 'block_diffusion') {
    const published = family.blockSizeKey ?? 'block_size';
    const ours = config.block_size;
    if (published !== 'block_size' && ours !== undefined && config[published] !== undefined && ours !== config[published]) {
      return { problem: `config.json: "block_size" (${JSON.stringify(ours)}) and "${published}" (${JSON.stringify(config[published])}) disagree: keep one` };
    }
    const key = ours !== undefined ? 'block_size' : published;
    const value = config[key];
    if (!isPositiveInteger(value)) {
      const got = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)}`;
      return { problem: `config.json: ${label} is block diffusion and needs a positive integer "${key}" (${got})` };
    }
    [blockSize, blockFrom] = [value, key];
  }

  const turnEnds = family.turnEndTokens.flatMap((text) => {
    const id = tokens().get(text);
    return id === undefined ? [] : [{ text, id }];
  });
  const facts = [
    `mask ${maskTokenId} from ${maskFrom}`,
    `${diffusionLogits} logits (${logitsFrom})`,
    ...(blockSize !== null ? [`blocks of ${blockSize} from ${blockFrom}`] : []),
    ...(turnEnds.length > 0 ? [`also ends at ${turnEnds.map((t) => `${t.text} ${t.id}`).join(', ')}`] : []),
    ...(family.sampler !== 'llada' && decoding === 'diffusion' ? [`${family.name}'s step schedule`] : []),
    // SDAR's own generate() (blocks at absolute positions, its dynamic threshold) is not transcribed: say whose runs.
    ...(decoding === 'block_diffusion' ? [family.blockSampler ? `${family.name}'s block sampler` : "the recipe's block sampler"] : []),
  ];
  const from = explicit === undefined ? `inferred from ${label}` : `"decoding" given; the rest inferred from ${label}`;
  return {
    family,
    decoding,
    maskTokenId,
    diffusionLogits,
    blockSize,
    turnEndTokenIds: turnEnds.map((t) => t.id),
    reason: `${from}: ${facts.join(', ')}`,
  };
}

export const isFamilyProblem = (value: InferredDiffusion | FamilyProblem | null): value is FamilyProblem => value !== null && 'problem' in value;
