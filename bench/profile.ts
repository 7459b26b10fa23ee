// `npm run bench:profile`: where the time of one forward goes, per ONNX operator, from onnxruntime's own profiler.
// Two cases decide the engine targets: one AR decode step (a 1-token query against a KV cache: per-node overhead
// dominates, so the node count matters) and one whole-canvas diffusion forward (prompt + L tokens: compute-bound
// on a CPU, so the matmuls' achieved FLOP/s against this machine's measured peak is the ceiling for any engine).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { intFlag, parseArgs } from '../lib/cli/args.ts';
import { hardwareLabel, readSessionSettings } from '../lib/cli/decoding-flags.ts';
import { describeModelFolder } from '../lib/models/discover.ts';
import { sessionOptions } from '../lib/engines/session.ts';
import { readDecoderConfig } from '../lib/engines/model-config.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { forwardCost } from '../lib/harness/predictor.ts';
import { measureMachine } from '../lib/harness/roofline.ts';
import { projectRoot } from '../lib/paths.ts';

const args = parseArgs(process.argv.slice(2), { values: ['threads', 'ep', 'graph-opt', 'runs', 'context', 'length'] });
const session = readSessionSettings(args);
if (session.intraOpThreads === null) session.intraOpThreads = 1;
const runs = intFlag(args, 'runs', 50, 5);
const context = intFlag(args, 'context', 256, 1, 900); // AR: tokens already in the cache
const length = intFlag(args, 'length', 256, 1, 700); // diffusion: answer length; the canvas adds a copy prompt
const label = hardwareLabel(session);

interface OpShare {
  op: string;
  nodesPerRun: number;
  usPerRun: number;
}

/** Runs `runs` times with ORT profiling on and sums kernel time per operator type (warm-up runs excluded). */
async function profile(file: string, feeds: Record<string, ort.Tensor>) {
  const prefix = path.join(tmpdir(), `dlm-profile-${process.pid}-${path.basename(path.dirname(path.dirname(file)))}`);
  const plain = await ort.InferenceSession.create(file, sessionOptions(session));
  for (let i = 0; i < 5; i++) await plain.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await plain.run(feeds);
  const wallMs = (performance.now() - t0) / runs; // without the profiler's own cost
  await plain.release();
  const profiled = await ort.InferenceSession.create(file, { ...sessionOptions(session), enableProfiling: true, profileFilePrefix: prefix });
  const warmup = 5;
  for (let i = 0; i < warmup + runs; i++) await profiled.run(feeds);
  profiled.endProfiling();
  await profiled.release();
  const dir = path.dirname(prefix);
  const profileFile = readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(prefix)))
    .map((f) => path.join(dir, f))[0]!;
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  rmSync(profileFile);
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const total = warmup + runs;
  const profiledRunMs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').reduce((a, e) => a + e.dur, 0) / total / 1000;
  const byOp = new Map<string, { us: number; nodes: number }>();
  for (const e of kernels) {
    const entry = byOp.get(e.args!.op_name!) ?? { us: 0, nodes: 0 };
    entry.us += e.dur;
    entry.nodes += 1;
    byOp.set(e.args!.op_name!, entry);
  }
  const ops: OpShare[] = [...byOp].map(([op, v]) => ({ op, nodesPerRun: v.nodes / total, usPerRun: v.us / total })).sort((a, b) => b.usPerRun - a.usPerRun);
  return { wallMs, profiledRunMs, kernelMs: ops.reduce((a, o) => a + o.usPerRun, 0) / 1000, nodesPerRun: ops.reduce((a, o) => a + o.nodesPerRun, 0), ops };
}

const int64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const ar = await describeModelFolder(path.join(projectRoot(), 'models', BUNDLED_AR_MODEL_ID));
const diffusion = await describeModelFolder(path.join(projectRoot(), 'models', BUNDLED_DIFFUSION_MODEL_ID));
const config = readDecoderConfig(ar.dir);

const arFeeds: Record<string, ort.Tensor> = {
  input_ids: int64([20], [1, 1]),
  attention_mask: int64(new Array<number>(context + 1).fill(1), [1, context + 1]),
  position_ids: int64([context], [1, 1]),
};
const past = new ort.Tensor('float32', new Float32Array(config.numKeyValueHeads * context * config.headDim).fill(0.01), [
  1,
  config.numKeyValueHeads,
  context,
  config.headDim,
]);
for (let l = 0; l < config.numLayers; l++) arFeeds[`past_key_values.${l}.key`] = arFeeds[`past_key_values.${l}.value`] = past;
const canvas = length + length + 7; // a copy prompt ("copy: " + L symbols + "\n") and L masks
const diffusionFeeds = {
  input_ids: int64(new Array<number>(canvas).fill(5), [1, canvas]),
  attention_mask: int64(new Array<number>(canvas).fill(1), [1, canvas]),
};

const machine = await measureMachine(session);
const arProfile = await profile(ar.onnxFile!, arFeeds);
const diffusionProfile = await profile(diffusion.onnxFile!, diffusionFeeds);

const print = (title: string, p: Awaited<ReturnType<typeof profile>>) => {
  console.log(`\n${title}`);
  console.log(
    `  ${p.wallMs.toFixed(3)} ms per run() (mean of ${runs}, profiler off); ${p.nodesPerRun.toFixed(0)} nodes per run after ORT's graph optimisations`,
  );
  console.log(
    `  with the profiler on: ${p.profiledRunMs.toFixed(3)} ms inside ORT per run, of which kernels ${p.kernelMs.toFixed(3)} ms (${((p.kernelMs / p.profiledRunMs) * 100).toFixed(0)}%); the rest is scheduling the nodes`,
  );
  for (const o of p.ops.slice(0, 10))
    console.log(
      `  ${o.op.padEnd(30)} ${((o.usPerRun / 1000 / p.kernelMs) * 100).toFixed(1).padStart(5)}%  ${o.usPerRun.toFixed(1).padStart(8)} µs  ${o.nodesPerRun.toFixed(0).padStart(3)} nodes`,
    );
};
console.log(
  `bench:profile on ${label}, threads ${session.intraOpThreads}: measured matmul peak ${(machine.peakFlops / 1e9).toFixed(1)} GFLOP/s, bandwidth ${(machine.bandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s, per-call ${(machine.perCallMs * 1000).toFixed(0)} µs`,
);
print(`AR decode step, 1 token against ${context} cached (${label})`, arProfile);
print(`Diffusion forward over a ${canvas}-token canvas (copy prompt + L = ${length}) (${label})`, diffusionProfile);
const shape = {
  parameters: diffusion.parameters ?? 0,
  layers: config.numLayers,
  hidden: config.numKeyValueHeads * config.headDim,
  kvHeads: config.numKeyValueHeads,
  headDim: config.headDim,
  vocab: config.vocabSize,
  bytesPerWeight: 4,
  nodes: diffusion.graphNodes ?? 0,
};
const flops = forwardCost(shape, canvas, canvas).flops;
const matmulShare = diffusionProfile.ops.filter((o) => o.op.includes('MatMul')).reduce((a, o) => a + o.usPerRun, 0) / 1000 / diffusionProfile.kernelMs;
const achieved = flops / (diffusionProfile.wallMs / 1e3);
console.log(
  `  → ${(flops / 1e9).toFixed(2)} GFLOP per forward, run at ${(achieved / 1e9).toFixed(1)} GFLOP/s overall (${((achieved / machine.peakFlops) * 100).toFixed(0)}% of the measured ${(machine.peakFlops / 1e9).toFixed(1)} GFLOP/s peak); ` +
    `matmuls are ${(matmulShare * 100).toFixed(0)}% of the kernel time. A compute-bound forward: no runtime on this CPU can run it much faster than peak ÷ achieved = ${(machine.peakFlops / achieved).toFixed(2)}×.`,
);
