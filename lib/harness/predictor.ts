// A roofline latency model of both engines. Pure: a model's shape, the decoding settings and a hardware profile
// (peak FLOP/s, memory bandwidth, per-call and per-node overhead) in; FLOPs, bytes and milliseconds per forward
// and per generation out. A forward takes max(FLOPs / peak, bytes / bandwidth) + per call + nodes × per node. Anything it
// says about hardware other than the one measured here is a prediction, and is labelled so.

export interface ModelShape {
  parameters: number; // all weights (read once per forward)
  layers: number;
  hidden: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  bytesPerWeight: number; // 4 for fp32 (this app's exports), 2 for fp16/bf16
  nodes: number; // graph nodes run per forward: each costs the profile's per-node time however small its work
}

export interface HardwareProfile {
  name: string;
  kind: 'measured' | 'prediction'; // 'prediction': spec-sheet numbers, never measured here
  peakFlops: number; // dense matmul FLOP/s at the profile's precision
  bandwidthBytesPerSecond: number;
  perCallMs: number; // fixed cost of one forward call (framework, binding)
  perNodeMs: number; // fixed cost of each node (scheduling on a CPU, a kernel launch on a GPU)
}

/** Spec-sheet profiles (dense, no sparsity; fp16/bf16 tensor cores) for predictions only. Per node: a typical
 *  CUDA kernel launch (~5 µs; laptop drivers slower), an assumption, not a spec-sheet number. */
export const GPU_PROFILES: readonly HardwareProfile[] = [
  { name: 'NVIDIA H100 SXM (bf16)', kind: 'prediction', peakFlops: 989e12, bandwidthBytesPerSecond: 3.35e12, perCallMs: 0.05, perNodeMs: 0.005 },
  { name: 'NVIDIA A100 80GB SXM (bf16)', kind: 'prediction', peakFlops: 312e12, bandwidthBytesPerSecond: 2.04e12, perCallMs: 0.05, perNodeMs: 0.005 },
  { name: 'NVIDIA L4 (fp16)', kind: 'prediction', peakFlops: 121e12, bandwidthBytesPerSecond: 0.3e12, perCallMs: 0.05, perNodeMs: 0.005 },
  { name: 'Laptop GPU, RTX 4060 class (fp16)', kind: 'prediction', peakFlops: 60e12, bandwidthBytesPerSecond: 0.256e12, perCallMs: 0.08, perNodeMs: 0.008 },
];

export interface ForwardCost {
  flops: number;
  bytes: number;
  nodes: number;
}

/**
 * One forward over `tokens` new positions that attend to `context` positions in all (themselves included):
 * 2 FLOPs per weight per token, plus attention (QKᵀ and AV: 4 · layers · tokens · context · heads·headDim);
 * bytes: every weight once, plus the keys and values read for the context.
 */
export function forwardCost(shape: ModelShape, tokens: number, context: number): ForwardCost {
  const attentionWidth = shape.hidden; // query heads × head dim
  const flops = 2 * shape.parameters * tokens + 4 * shape.layers * tokens * context * attentionWidth;
  const kvBytes = 2 * shape.layers * shape.kvHeads * shape.headDim * context * 4;
  return { flops, bytes: shape.parameters * shape.bytesPerWeight + kvBytes, nodes: shape.nodes };
}

export function forwardMs(cost: ForwardCost, profile: HardwareProfile): number {
  return Math.max(cost.flops / profile.peakFlops, cost.bytes / profile.bandwidthBytesPerSecond) * 1000 + profile.perCallMs + cost.nodes * profile.perNodeMs;
}

export interface DecodingPlan {
  prompt: number;
  length: number; // L
  steps: number; // diffusion forward passes (steps = L, L/4, or a threshold's measured NFE)
  block: number; // diffusion block length (= L for one block)
  cache: 'none' | 'prefix' | 'dual';
}

export interface Prediction {
  arMs: number;
  diffusionMs: number;
  speedup: number; // AR ÷ diffusion
  arStepMs: number;
  diffusionForwardMs: number; // the typical step (a window step when cached)
}

/** AR: one prefill over the prompt, then L cached steps; diffusion: `steps` forwards as the cache mode dictates. */
export function predict(shape: ModelShape, plan: DecodingPlan, profile: HardwareProfile): Prediction {
  const { prompt, length: L, steps, block, cache } = plan;
  const prefill = forwardMs(forwardCost(shape, prompt, prompt), profile);
  let arMs = prefill;
  for (let i = 1; i < L; i++) arMs += forwardMs(forwardCost(shape, 1, prompt + i), profile);
  const arStepMs = forwardMs(forwardCost(shape, 1, prompt + L / 2), profile);

  const total = prompt + L;
  const full = forwardMs(forwardCost(shape, total, total), profile);
  const blocks = Math.max(1, Math.round(L / block));
  const stepsPerBlock = Math.max(1, steps / blocks);
  let diffusionMs = 0;
  let windowMs = full;
  if (cache === 'none') diffusionMs = steps * full;
  else {
    for (let b = 0; b < blocks; b++) {
      const blockStart = prompt + b * block;
      const window = cache === 'dual' ? block : total - blockStart; // prefix mode also runs the masked suffix
      windowMs = forwardMs(forwardCost(shape, window, total), profile);
      diffusionMs += full + (stepsPerBlock - 1) * windowMs; // one refresh per block, then window steps
    }
  }
  return { arMs, diffusionMs, speedup: arMs / diffusionMs, arStepMs, diffusionForwardMs: windowMs };
}
