// The roofline predictor against hand-computed costs and the physics it must show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardCost, forwardMs, GPU_PROFILES, type HardwareProfile, type ModelShape, predict } from './predictor.ts';

const shape: ModelShape = { parameters: 1_000_000, layers: 2, hidden: 64, kvHeads: 2, headDim: 32, vocab: 100, bytesPerWeight: 4, nodes: 100 };
const cpu: HardwareProfile = { name: 'toy CPU', kind: 'measured', peakFlops: 1e11, bandwidthBytesPerSecond: 2e10, perCallMs: 0.01, perNodeMs: 0.001 };

test('forward cost: 2 FLOPs per weight per token plus attention; every weight and the context K/V read once', () => {
  const c = forwardCost(shape, 10, 20);
  assert.equal(c.flops, 2 * 1_000_000 * 10 + 4 * 2 * 10 * 20 * 64); // 20,000,000 + 102,400
  assert.equal(c.bytes, 4_000_000 + 2 * 2 * 2 * 32 * 20 * 4); // weights + K and V of 20 positions
  // max(20.1024 MFLOP / 1e11, 4.02048 MB / 2e10) = max(0.201 ms, 0.201 ms) + 0.01 per call + 100 nodes × 0.001
  assert.ok(Math.abs(forwardMs(c, cpu) - (Math.max(c.flops / 1e11, c.bytes / 2e10) * 1000 + 0.01 + 0.1)) < 1e-12);
});

test("per-node cost: a tiny model's step is bound by how many nodes it runs, not by its bytes", () => {
  const tiny: ModelShape = { ...shape, parameters: 10_000, nodes: 200 };
  const step = forwardMs(forwardCost(tiny, 1, 64), cpu);
  assert.ok(step > 0.2 && step < 0.22, `200 nodes × 1 µs dominate: ${step}`);
  assert.ok(forwardMs(forwardCost({ ...tiny, nodes: 100 }, 1, 64), cpu) < step - 0.09, 'halving the nodes saves ~0.1 ms');
});

test('on a compute-bound machine diffusion with steps = L loses to AR; fewer steps and a cache win it back', () => {
  const plan = { prompt: 12, length: 256, steps: 256, block: 256, cache: 'none' as const };
  const full = predict(shape, plan, cpu);
  assert.ok(full.speedup < 1, `steps = L on a CPU: ${full.speedup}`);
  const quarter = predict(shape, { ...plan, steps: 64 }, cpu);
  const cached = predict(shape, { ...plan, steps: 64, block: 32, cache: 'dual' }, cpu);
  assert.ok(quarter.speedup > full.speedup && cached.speedup > quarter.speedup);
});

test('on a bandwidth-bound GPU a block costs about one step, so the speedup approaches L / steps', () => {
  const big: ModelShape = { parameters: 2e8, layers: 16, hidden: 1024, kvHeads: 16, headDim: 64, vocab: 100, bytesPerWeight: 2, nodes: 200 };
  const h100 = GPU_PROFILES[0]!;
  assert.equal(h100.kind, 'prediction');
  const p = predict(big, { prompt: 12, length: 256, steps: 64, block: 32, cache: 'dual' }, h100);
  assert.ok(p.diffusionForwardMs < 2 * p.arStepMs, 'a 32-token block costs less than two AR steps');
  assert.ok(p.speedup > 2.5 && p.speedup < 4.1, `speedup ${p.speedup}`);
});
