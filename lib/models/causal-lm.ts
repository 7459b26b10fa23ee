// A published causal-LM folder (transformers / optimum / transformers.js "onnx-community" layout) carries no
// "decoding" key of ours: it decodes autoregressively when its config.json names a standard causal-LM
// architecture whose optimum export has the past_key_values.N.key/value -> present.N.key/value interface.

/** model_type values of decoder-only LMs exported with per-layer key/value cache tensors. */
export const CAUSAL_LM_MODEL_TYPES = [
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'phi3',
  'gemma',
  'gemma2',
  'gemma3_text',
  'granite',
  'olmo',
  'olmo2',
  'smollm3',
  'stablelm',
  'starcoder2',
  'gpt2',
  'gpt_neox',
  'gptj',
  'cohere',
  'exaone',
  'helium',
] as const;

const CAUSAL_TYPES: ReadonlySet<string> = new Set(CAUSAL_LM_MODEL_TYPES);
const CAUSAL_ARCHITECTURE = /^[A-Za-z0-9]+ForCausalLM$/;

export interface InferredDecoding {
  decoding: 'autoregressive';
  reason: string; // shown by `dlm models`: what in config.json said so
}

/**
 * The decoding a config.json without "decoding" implies, or null when it names no standard causal LM (then the
 * folder needs "decoding" itself). A diffusion LM published on a causal-LM base (Dream, LLaDA, Fast-dLLM v2)
 * has its own model_type or architecture, so it is never taken for one.
 */
export function inferDecoding(config: Record<string, unknown>): InferredDecoding | null {
  const modelType = config.model_type;
  if (typeof modelType !== 'string' || !CAUSAL_TYPES.has(modelType)) return null;
  const architectures = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
  if (architectures.length > 0 && !architectures.every((a) => CAUSAL_ARCHITECTURE.test(a))) return null;
  const named = architectures.length > 0 ? ` and architectures ${architectures.join(', ')}` : '';
  return { decoding: 'autoregressive', reason: `inferred from model_type "${modelType}"${named} (a standard causal LM)` };
}
