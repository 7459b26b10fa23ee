// The exact KV cache of block diffusion: the prompt and every finished block, each run once with the cache of
// everything before it, so a block's keys/values never see a later block (causal across blocks) and never go
// stale (a finished block does not change). One ORT session with the KV-cache interface (onnx/model.onnx).
import * as ort from 'onnxruntime-node';
import type { DecoderConfig } from '../model-config.ts';

/** What the block sampler needs from the model; each call is one forward (one NFE). */
export interface BlockContext {
  /** The prompt, no past: starts the cache. Returns the last logits row (vocab floats). */
  prefill(promptIds: BigInt64Array): Promise<Float32Array>;
  /** A denoising step: the current block at canvas positions [start, start + n), reading the cache, which it
   * leaves unchanged. Returns n logits rows. */
  denoise(blockIds: BigInt64Array, start: number): Promise<Float32Array>;
  /** The finished block, run once more clean: its keys/values join the cache. Returns its last logits row. */
  append(blockIds: BigInt64Array, start: number): Promise<Float32Array>;
}

function positions(start: number, count: number): BigInt64Array {
  const out = new BigInt64Array(count);
  for (let i = 0; i < count; i++) out[i] = BigInt(start + i);
  return out;
}

export function createExactBlockCache(session: ort.InferenceSession, config: DecoderConfig): BlockContext {
  const names = Array.from({ length: config.numLayers }, (_, i) =>
    ['key', 'value'].map((kv) => ({ past: `past_key_values.${i}.${kv}`, present: `present.${i}.${kv}` })),
  ).flat();
  const empty = new ort.Tensor('float32', new Float32Array(0), [1, config.numKeyValueHeads, 0, config.headDim]);
  let past: Record<string, ort.Tensor> = Object.fromEntries(names.map((n) => [n.past, empty]));
  let pastLength = 0;
  const vocab = config.vocabSize;

  async function run(ids: BigInt64Array, start: number) {
    const total = pastLength + ids.length;
    return session.run({
      ...past,
      input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
      position_ids: new ort.Tensor('int64', positions(start, ids.length), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    });
  }

  /** Presents are [1, kv, past + n, d]: the whole cache so far, so they replace it (nothing to concatenate). */
  async function extend(ids: BigInt64Array, start: number): Promise<Float32Array> {
    if (start !== pastLength) throw new Error(`block KV cache: appending at position ${start}, but the cache holds ${pastLength}`);
    const out = await run(ids, start);
    past = Object.fromEntries(names.map((n) => [n.past, out[n.present]!]));
    pastLength += ids.length;
    const logits = out.logits!.data as Float32Array;
    return logits.slice((ids.length - 1) * vocab, ids.length * vocab);
  }

  return {
    prefill: (promptIds) => extend(promptIds, 0),
    async denoise(blockIds, start) {
      if (start !== pastLength) throw new Error(`block KV cache: block at position ${start}, but the cache holds ${pastLength}`);
      return (await run(blockIds, start)).logits!.data as Float32Array;
    },
    append: extend,
  };
}
