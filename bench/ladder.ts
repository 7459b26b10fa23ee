// `npm run bench:ladder`: how the cost of one forward of each kind moves with model size (the random-weight
// size ladder from `npm run models:ladder`, plus the bundled pair), measured here with onnxruntime; this
// machine's roofline (matmul peak, bandwidth, per-call cost, measured with onnxruntime too); the predictor's
// error on every measurement; and its predictions (labelled as such) for common GPUs.
// The figure that decides diffusion's chances: one diffusion forward over a 32-token block (dual KV cache)
// against one AR decode step with a KV cache. Small models are compute-bound per token on a CPU, so the
// block costs ~32 steps; large ones are bound by reading the weights, which the block does once for 32 tokens.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { intFlag, parseArgs } from '../lib/cli/args.ts';
import { hardwareLabel, readSessionSettings } from '../lib/cli/decoding-flags.ts';
import { loadModel, type LoadedModel } from '../lib/engines/index.ts';
import { createBlockCache } from '../lib/engines/diffusion/block-cache.ts';
import { captureEnvironment } from '../lib/env/environment.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { GPU_PROFILES, type ModelShape, forwardCost, forwardMs, predict } from '../lib/harness/predictor.ts';
import { measureMachine } from '../lib/harness/roofline.ts';
import { median } from '../lib/harness/stats.ts';
import { describeModelFolder } from '../lib/models/discover.ts';
import { projectRoot } from '../lib/paths.ts';

const args = parseArgs(process.argv.slice(2), { values: ['threads', 'ep', 'graph-opt', 'repeats', 'context', 'block', 'out'] });
const session = readSessionSettings(args);
if (session.intraOpThreads === null) session.intraOpThreads = 2;
const repeats = intFlag(args, 'repeats', 7, 1);
const context = intFlag(args, 'context', 256, 8, 900); // tokens already on the canvas / in the AR cache
const block = intFlag(args, 'block', 32, 1, 256);
const label = hardwareLabel(session);

async function timeIt(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const zeros = (n: number) => new BigInt64Array(n).fill(10n);
const range = (a: number, b: number) => BigInt64Array.from({ length: b - a }, (_, i) => BigInt(a + i));

async function arStepMs(model: LoadedModel): Promise<number> {
  const { numLayers, numKeyValueHeads: heads, headDim } = model.config;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', zeros(1), [1, 1]),
    position_ids: new ort.Tensor('int64', range(context, context + 1), [1, 1]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(context + 1).fill(1n), [1, context + 1]),
  };
  const past = new ort.Tensor('float32', new Float32Array(heads * context * headDim), [1, heads, context, headDim]);
  for (let i = 0; i < numLayers; i++) feeds[`past_key_values.${i}.key`] = feeds[`past_key_values.${i}.value`] = past;
  return timeIt(() => model.session.run(feeds));
}

async function diffusionMs(model: LoadedModel) {
  const canvas = zeros(context + block);
  const full = await timeIt(() =>
    model.session.run({
      input_ids: new ort.Tensor('int64', canvas, [1, canvas.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(canvas.length).fill(1n), [1, canvas.length]),
    }),
  );
  let cachedBlock: number | null = null;
  if (model.cachedSession) {
    const cache = createBlockCache(model.cachedSession, model.config);
    await cache.refresh(canvas);
    cache.keep([[0, context]]);
    cachedBlock = await timeIt(() => cache.window(canvas, context, context + block));
  }
  return { fullCanvasMs: full, cachedBlockMs: cachedBlock };
}

const ladderDir = path.join(projectRoot(), 'models', 'ladder');
const pairs: [string, string][] = [[BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID]];
if (existsSync(ladderDir)) {
  for (const size of ['10m', '50m', '200m'])
    if (existsSync(path.join(ladderDir, `ladder-${size}-ar`))) pairs.push([`ladder-${size}-ar`, `ladder-${size}-diffusion`]);
} else console.error('no models/ladder: run "npm run models:ladder" for the 10M/50M/200M rungs');

const machine = await measureMachine(session);
console.error(
  `roofline (${label}): matmul ${(machine.peakFlops / 1e9).toFixed(1)} GFLOP/s, bandwidth ${(machine.bandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s, ${machine.perCallMs.toFixed(3)} ms per call, ${(machine.perNodeMs * 1000).toFixed(2)} µs per node`,
);

const shapeOf = (m: LoadedModel): ModelShape => ({
  parameters: m.info.parameters ?? 0,
  layers: m.config.numLayers,
  hidden: m.config.numKeyValueHeads * m.config.headDim,
  kvHeads: m.config.numKeyValueHeads,
  headDim: m.config.headDim,
  vocab: m.config.vocabSize,
  bytesPerWeight: 4,
  nodes: m.info.graphNodes ?? 0,
});

const rows = [];
const errors: number[] = [];
for (const [arId, diffusionId] of pairs) {
  const inLadder = arId.startsWith('ladder-');
  const load = async (id: string) => (inLadder ? loadModel(await describeModelFolder(path.join(ladderDir, id)), session) : loadModel(id, session));
  const ar = await load(arId);
  const diffusion = await load(diffusionId);
  const arMs = await arStepMs(ar);
  const d = await diffusionMs(diffusion);
  const shape = shapeOf(ar);
  const predicted = {
    arStepMs: forwardMs(forwardCost(shape, 1, context + 1), machine),
    cachedBlockMs: forwardMs(forwardCost(shape, block, context + block), machine),
    fullCanvasMs: forwardMs(forwardCost(shape, context + block, context + block), machine),
  };
  const measured = { arStepMs: arMs, cachedBlockMs: d.cachedBlockMs, fullCanvasMs: d.fullCanvasMs };
  const error = (k: keyof typeof predicted) => (measured[k] === null ? null : Math.abs(predicted[k] - measured[k]!) / measured[k]!);
  for (const k of ['arStepMs', 'cachedBlockMs', 'fullCanvasMs'] as const) if (error(k) !== null) errors.push(error(k)!);
  // Achieved fraction of the roofline bound (1 = at the bound).
  const achieved = (k: keyof typeof predicted) => (measured[k] === null ? null : (predicted[k] - machine.perCallMs) / (measured[k]! - machine.perCallMs));
  const row = {
    ar: arId,
    diffusion: diffusionId,
    parameters: ar.info.parameters,
    arStepMs: arMs,
    ...d,
    blockOverArStep: d.cachedBlockMs === null ? null : d.cachedBlockMs / arMs,
    canvasOverArStep: d.fullCanvasMs / arMs,
    predicted,
    predictionError: { arStep: error('arStepMs'), cachedBlock: error('cachedBlockMs'), fullCanvas: error('fullCanvasMs') },
    achievedFractionOfRoofline: { arStep: achieved('arStepMs'), cachedBlock: achieved('cachedBlockMs'), fullCanvas: achieved('fullCanvasMs') },
    gpuPredictions: GPU_PROFILES.map((p) => ({
      profile: p.name,
      kind: p.kind,
      length256: {
        stepsL: predict(shape, { prompt: 12, length: 256, steps: 256, block: 256, cache: 'none' }, p).speedup,
        stepsLQuarterDualBlock32: predict(shape, { prompt: 12, length: 256, steps: 64, block: 32, cache: 'dual' }, p).speedup,
      },
    })),
  };
  rows.push(row);
  console.error(
    `${arId}: AR step ${arMs.toFixed(2)} ms, diffusion block of ${block} (dual cache) ${d.cachedBlockMs?.toFixed(2) ?? '-'} ms, full canvas ${d.fullCanvasMs.toFixed(2)} ms`,
  );
}

console.log(
  `\nForward cost by model size, ${label}, threads ${session.intraOpThreads}, context ${context} tokens, medians of ${repeats} (target at ~200M: block ÷ AR step ≤ 2)`,
);
console.log('  model            parameters   AR step ms   block-' + `${block} ms`.padEnd(8) + ' ÷ AR step   canvas (' + `${context + block}) ms   ÷ AR step`);
for (const r of rows) {
  console.log(
    `  ${r.ar.replace(/-ar$/, '').padEnd(16)} ${(r.parameters ?? 0).toLocaleString('en-US').padStart(11)} ${r.arStepMs.toFixed(2).padStart(11)} ${r.cachedBlockMs?.toFixed(2).padStart(11) ?? '          -'} ${r.blockOverArStep?.toFixed(2).padStart(10) ?? '         -'} ${r.fullCanvasMs.toFixed(2).padStart(16)} ${r.canvasOverArStep.toFixed(1).padStart(10)}`,
  );
}
console.log(
  `\nRoofline of this machine (${label}, measured with onnxruntime): matmul peak ${(machine.peakFlops / 1e9).toFixed(1)} GFLOP/s (${machine.matmulSize}² fp32), bandwidth ${(machine.bandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (${(machine.bandwidthBytes / 2 ** 20).toFixed(0)} MiB reduce), ${machine.perCallMs.toFixed(3)} ms per call, ${(machine.perNodeMs * 1000).toFixed(2)} µs per node; ridge ${(machine.peakFlops / machine.bandwidthBytesPerSecond).toFixed(1)} FLOP/byte`,
);
console.log('Predictor (roofline + per-call cost) vs measurement, and the achieved fraction of the roofline bound per forward:');
for (const r of rows) {
  const e = r.predictionError;
  const a = r.achievedFractionOfRoofline;
  const f = (v: number | null) => (v === null ? '   -' : `${(100 * v).toFixed(0).padStart(3)}%`);
  console.log(
    `  ${r.ar.replace(/-ar$/, '').padEnd(16)} error: AR step ${f(e.arStep)}, block ${f(e.cachedBlock)}, canvas ${f(e.fullCanvas)}   achieved: AR step ${f(a.arStep)}, block ${f(a.cachedBlock)}, canvas ${f(a.fullCanvas)}`,
  );
}
const medianError = median(errors);
console.log(`  median prediction error over ${errors.length} CPU measurements: ${(100 * medianError).toFixed(0)}% (target ≤ 25%)`);
console.log('PREDICTIONS (spec-sheet profiles, not measured here): diffusion speedup over AR at L = 256 for the largest model measured');
const largest = rows.at(-1)!;
for (const g of largest.gpuPredictions)
  console.log(
    `  ${g.profile.padEnd(36)} steps=L: ${g.length256.stepsL.toFixed(2)}×   steps=L/4, dual cache, blocks of 32: ${g.length256.stepsLQuarterDualBlock32.toFixed(2)}×`,
  );

const report = {
  benchmark: 'ladder',
  machine,
  medianPredictionError: medianError,
  hardware: label,
  measuredAt: new Date().toISOString(),
  environment: captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads }),
  context,
  block,
  repeats,
  rows,
};
const outFile = args.values.get('out') ?? path.join(projectRoot(), 'bench', 'results', `ladder-${report.measuredAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2));
console.log(`wrote ${path.relative(projectRoot(), outFile)}`);
process.exit(0);
