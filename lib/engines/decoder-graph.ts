// What an AR ONNX graph asks for and returns, read from the session once: the optimum / transformers.js
// interface (input_ids, attention_mask, optional position_ids, past_key_values.N.key/value -> logits,
// present.N.key/value), its cache dtype (float32, or float16 in fp16 exports) and its logits dtype.
import * as ort from 'onnxruntime-node';
import { halfToFloat32 } from './half.ts';
import { type DecoderConfig, ModelConfigError } from './model-config.ts';

interface LayerNames {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

export interface DecoderGraph {
  layers: LayerNames[];
  cacheType: 'float32' | 'float16';
  takesPositionIds: boolean; // some exports (GPT-2 style) compute positions from attention_mask
  takesUseCacheBranch: boolean; // optimum's merged decoders: one graph with and without a past
  emptyCache(): ort.Tensor; // past length 0, for the prefill
  /** float32 logits of row `row` of a [1, S, vocab] output (float16 logits converted). */
  logitsRow(logits: ort.Tensor, row: number): Float32Array;
}

type Metadata = { name: string; isTensor: boolean; type?: string };

export function describeDecoderGraph(session: ort.InferenceSession, config: DecoderConfig): DecoderGraph {
  const layers = Array.from({ length: config.numLayers }, (_, i) => ({
    pastKey: `past_key_values.${i}.key`,
    pastValue: `past_key_values.${i}.value`,
    presentKey: `present.${i}.key`,
    presentValue: `present.${i}.value`,
  }));
  const inputs = new Map((session.inputMetadata as readonly Metadata[]).map((m) => [m.name, m]));
  const missing = layers.flatMap((n) => [n.pastKey, n.pastValue]).find((n) => !inputs.has(n));
  if (missing) throw new ModelConfigError(`the AR export has no KV-cache inputs (missing ${missing}): re-export it with past_key_values`);
  for (const required of ['input_ids', 'attention_mask']) {
    if (!inputs.has(required)) throw new ModelConfigError(`the AR export has no "${required}" input`);
  }
  const cacheType = inputs.get(layers[0]!.pastKey)?.type;
  if (cacheType !== 'float32' && cacheType !== 'float16') {
    throw new ModelConfigError(`the AR export's KV cache is ${cacheType ?? 'of unknown type'}: float32 or float16 supported`);
  }
  const empty = new ort.Tensor(cacheType, cacheType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, config.numKeyValueHeads, 0, config.headDim]);
  return {
    layers,
    cacheType,
    takesPositionIds: inputs.has('position_ids'),
    takesUseCacheBranch: inputs.has('use_cache_branch'),
    emptyCache: () => empty,
    logitsRow: (logits, row) => {
      const vocab = logits.dims[logits.dims.length - 1]!;
      if (logits.type === 'float32') return (logits.data as Float32Array).subarray(row * vocab, (row + 1) * vocab);
      if (logits.type === 'float16') {
        const bits = (logits.data as Uint16Array | Float32Array).subarray(row * vocab, (row + 1) * vocab);
        return bits instanceof Uint16Array ? halfToFloat32(bits) : Float32Array.from(bits); // a runtime with Float16Array hands out numbers
      }
      throw new ModelConfigError(`the AR export's logits are ${logits.type}: float32 or float16 supported`);
    },
  };
}
