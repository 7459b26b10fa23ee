// Block-wise KV caching for diffusion decoding (Fast-dLLM), over a model's second ONNX graph with the KV-cache
// interface (onnx/model_cached.onnx). Once per block, a full forward refreshes every position's keys and
// values; the block's other steps run only a window of positions and read the rest from that cache:
// prefix mode caches the positions before the window (the window runs the block and the masked suffix),
// dual mode also caches the suffix (the window is the block). Keys are cached after RoPE, so cached
// positions can be passed in any order. It is approximate: cached entries were computed against the canvas
// as it was at the refresh, so pass rates can move; the engine reports them, never hides them.
import * as ort from 'onnxruntime-node';
import type { DecoderConfig } from '../model-config.ts';

export interface WindowLogits {
  logits: Float32Array; // rows for canvas indices [start, start + rows)
  start: number;
}

function int64Range(start: number, end: number): BigInt64Array {
  const out = new BigInt64Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = BigInt(start + i);
  return out;
}

export function createBlockCache(session: ort.InferenceSession, config: DecoderConfig) {
  const layers = Array.from({ length: config.numLayers }, (_, i) => [
    { past: `past_key_values.${i}.key`, present: `present.${i}.key` },
    { past: `past_key_values.${i}.value`, present: `present.${i}.value` },
  ]).flat();
  const heads = config.numKeyValueHeads;
  const headDim = config.headDim;
  const empty = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
  let present: Float32Array[] = []; // per past/present name, [1, heads, total, headDim] from the last refresh
  let total = 0;
  let past: Record<string, ort.Tensor> = {};
  let pastLength = 0;

  async function run(ids: BigInt64Array, start: number, pastFeeds: Record<string, ort.Tensor>, pastLen: number) {
    const feeds: Record<string, ort.Tensor> = {
      ...pastFeeds,
      input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
      position_ids: new ort.Tensor('int64', int64Range(start, start + ids.length), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + ids.length).fill(1n), [1, pastLen + ids.length]),
    };
    return session.run(feeds);
  }

  return {
    /** A full forward over the canvas (empty past) that also keeps every position's keys and values. */
    async refresh(canvas: BigInt64Array): Promise<WindowLogits> {
      const pastFeeds = Object.fromEntries(layers.map((l) => [l.past, empty]));
      const out = await run(canvas, 0, pastFeeds, 0);
      present = layers.map((l) => out[l.present]!.data as Float32Array);
      total = canvas.length;
      return { logits: out.logits!.data as Float32Array, start: 0 };
    },

    /** Makes the cache for the coming window steps: the refreshed entries of `ranges` ([start, end) canvas indices). */
    keep(ranges: readonly [number, number][]): void {
      pastLength = ranges.reduce((n, [a, b]) => n + (b - a), 0);
      past = {};
      layers.forEach((l, k) => {
        const source = present[k]!;
        const data = new Float32Array(heads * pastLength * headDim);
        for (let h = 0; h < heads; h++) {
          let cursor = 0;
          for (const [a, b] of ranges) {
            data.set(source.subarray((h * total + a) * headDim, (h * total + b) * headDim), (h * pastLength + cursor) * headDim);
            cursor += b - a;
          }
        }
        past[l.past] = new ort.Tensor('float32', data, [1, heads, pastLength, headDim]);
      });
    },

    /** A forward over canvas[start, end) that reads every other position from the cache kept last. */
    async window(canvas: BigInt64Array, start: number, end: number): Promise<WindowLogits> {
      const out = await run(canvas.slice(start, end), start, past, pastLength);
      return { logits: out.logits!.data as Float32Array, start };
    },
  };
}
