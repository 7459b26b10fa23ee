// `npm run bench:profile-long`: where the time of a long generation goes, per output length, for AR (KV cache),
// block diffusion (steps = L and threshold 0.9) and full-canvas diffusion (blocks of 32 + threshold 0.9 + dual
// cache, and steps = L). Every output is forced to exactly L tokens (<eos> suppressed through `minNewTokens`), so
// this measures cost, not quality: pass rates belong to bench:engines and the sweeps. Per cell: wall time per
// generated token, forwards (NFE), positions computed × attended per forward, time per forward, and the split
// prefill / cache write (block commits, cache refreshes) / steps / sampling. Then a cost model fitted to bare
// forwards of the KV-cache graphs, ms = per call + per position · query + per pair · query · attended + per
// attended position · attended, checked against the engines' forwards, and the arithmetic it gives for block
// diffusion against AR. Medians of interleaved repeats, one ORT session setting for every engine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { intFlag, intListFlag, parseArgs } from '../lib/cli/args.ts';
import { hardwareLabel, readSessionSettings } from '../lib/cli/decoding-flags.ts';
import { createEngine, loadModel, type LoadedModel } from '../lib/engines/index.ts';
import type { DecodingSettings, GenerationEvent } from '../lib/engines/types.ts';
import { captureEnvironment } from '../lib/env/environment.ts';
import { availableBlockDiffusionModel, BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { suiteRecords } from '../lib/harness/eval-records.ts';
import {
  autoregressiveShapes,
  blockDiffusionShapes,
  type CostCoefficients,
  costTerms,
  type CostFit,
  fitForwardCost,
  type ForwardShape,
  fullCanvasShapes,
  maxStepsPerBlockFor,
  modelledBlockSpeedup,
  predictForwardMs,
  predictShapesMs,
  splitTime,
  stepsPerBlockOf,
  type TimeSplit,
  workOf,
} from '../lib/harness/length-profile.ts';
import { median } from '../lib/harness/stats.ts';
import { projectRoot } from '../lib/paths.ts';

const args = parseArgs(process.argv.slice(2), {
  values: ['threads', 'ep', 'graph-opt', 'repeats', 'lengths', 'exact-full-canvas', 'out'],
  switches: ['quick'],
});
const quick = args.switches.has('quick');
const session = readSessionSettings(args);
if (session.intraOpThreads === null) session.intraOpThreads = 1; // one core here; the other trains
const repeats = intFlag(args, 'repeats', quick ? 1 : 5, 1);
// Full-canvas steps = L runs L forwards over the whole canvas (about 40 s per run at L ≈ 1,000 here). Above this length
// it runs L/16 of them, all of the identical shape, and its totals are scaled by 16 (marked in the table and JSON).
const exactFullCanvas = intFlag(args, 'exact-full-canvas', 256, 1);
const label = hardwareLabel(session);
const log = (line: string) => console.error(line);

const ar = await loadModel(BUNDLED_AR_MODEL_ID, session);
const diffusion = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, session);
const blockModelId = await availableBlockDiffusionModel();
if (!blockModelId) throw new Error('bench:profile-long needs models/tiny-llama-block-diffusion');
const block = await loadModel(blockModelId, session);
const environment = captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads });
const blockSize = block.config.blockSize!;

// One short real prompt for every length, so only L changes between cells (a copy prompt would grow with L too).
const prompt = suiteRecords('expand', [64], 1, 0)[0]!.prompt;
const promptTokens = block.tokenizer.encodePrompt(prompt).length;
const context = Math.min(ar.config.contextLength, diffusion.config.contextLength, block.config.contextLength);
const longest = Math.floor((context - promptTokens) / blockSize) * blockSize; // the context's limit, whole blocks
const lengths = (intListFlag(args, 'lengths') ?? (quick ? [16, 64] : [16, 64, 128, 256, 512, longest])).filter((l) => l <= longest);

type EngineName = 'ar' | 'block' | 'full';
interface Setting {
  name: string;
  engine: EngineName;
  model: LoadedModel;
  settings: (length: number) => Partial<DecodingSettings>;
  scale?: (length: number) => number; // > 1: run fewer forwards of the same shape, scale the totals
}
const exact = (length: number) => ({ maxNewTokens: length, minNewTokens: length });
const fullCanvasScale = (length: number) => (length > exactFullCanvas ? 16 : 1);
const SETTINGS: Setting[] = [
  { name: 'AR (KV cache)', engine: 'ar', model: ar, settings: exact },
  { name: 'block diffusion steps=L', engine: 'block', model: block, settings: (l) => ({ ...exact(l), steps: l }) },
  { name: 'block diffusion thr=0.9', engine: 'block', model: block, settings: (l) => ({ ...exact(l), threshold: 0.9 }) },
  {
    name: 'full-canvas block=32 thr=0.9 dual',
    engine: 'full',
    model: diffusion,
    settings: (l) => ({ ...exact(l), blockLength: Math.min(32, l), threshold: 0.9, cache: 'dual' }),
  },
  {
    name: 'full-canvas steps=L',
    engine: 'full',
    model: diffusion,
    settings: (l) => ({ ...exact(l), steps: l / fullCanvasScale(l) }),
    scale: fullCanvasScale,
  },
];

interface Run {
  totalMs: number;
  forwardMs: number[];
  shapes: ForwardShape[];
  generatedTokens: number;
  stepsPerBlock: number[];
}

async function runOnce(setting: Setting, length: number): Promise<Run> {
  const events: GenerationEvent[] = [];
  const result = await createEngine(setting.model).generate(
    { prompt, settings: setting.settings(length) },
    { onEvent: (e) => e.type === 'step' && events.push(e) },
  );
  const steps = stepsPerBlockOf(events);
  const { settings: s, promptTokens: p, timings: t } = result;
  const rowShift = setting.model.config.diffusionLogits === 'shifted' ? 1 : 0;
  const shapes =
    setting.engine === 'ar'
      ? autoregressiveShapes(p, t.forwardPasses)
      : setting.engine === 'block'
        ? blockDiffusionShapes(p, blockSize, steps)
        : fullCanvasShapes(p, length, s.blockLength, s.cache, steps, rowShift);
  if (shapes.length !== t.forwardPasses) throw new Error(`${setting.name} L=${length}: ${shapes.length} forward shapes for ${t.forwardPasses} forwards`);
  if (t.generatedTokens !== length) throw new Error(`${setting.name} L=${length}: ${t.generatedTokens} tokens, not forced to ${length}`);
  return { totalMs: t.totalMs, forwardMs: t.forwardMs, shapes, generatedTokens: t.generatedTokens, stepsPerBlock: steps };
}

interface Cell {
  setting: string;
  engine: EngineName;
  length: number;
  scaledBy: number; // 1 = measured in full; k = 1/k of the forwards run, totals × k
  nfe: number;
  medianTotalMs: number;
  msPerToken: number;
  msPerForward: number; // median over runs of Σ forward ms ÷ NFE (the mean forward, load spikes included)
  p50ForwardMs: number; // median over every forward of every run: the typical forward, spikes excluded
  queryPerForward: number;
  attendedPerForward: number;
  pairsPerForward: number; // query × attended, mean over the forwards
  tokensPerStep: number | null; // diffusion: L ÷ denoising steps (refreshes included)
  stepsPerBlock: number | null; // diffusion: mean denoising steps per block
  split: TimeSplit; // medians over runs, ms
  speedupVsAr: number;
  modelledMs: number; // the cost model's forwards + the measured sampling time: the total without load spikes
  modelledSpeedupVsAr: number;
  modelError: number; // median |modelled − measured| ÷ measured over this cell's forwards (the KV-graph fit)
}

log(
  `bench:profile-long on ${label}: ${environment.cpuModel}, ${environment.cpuCores} cores, threads ${session.intraOpThreads}, ORT ${environment.onnxruntime}, Node ${environment.node}; prompt ${JSON.stringify(prompt)} (${promptTokens} tokens), lengths ${lengths.join(', ')}, ${repeats} repeats`,
);
const started = performance.now();
const runs = new Map<string, Run[]>();
const key = (s: Setting, l: number) => `${s.name}@${l}`;
// Warm-up before any timing: the first generations of a process run slower (JIT, ORT's first allocations).
for (let i = 0; i < 2; i++) for (const s of SETTINGS) await runOnce(s, Math.min(64, longest));
for (const length of lengths) for (const s of SETTINGS) await runOnce(s, length); // warm-up: ORT plans each length's shapes
// Repeats outermost and settings interleaved, so a burst of load on the shared machine (a training job, other
// benchmarks) hits every setting and length alike instead of one cell.
for (let r = 0; r < repeats; r++) {
  for (const length of lengths) for (const s of SETTINGS) runs.set(key(s, length), [...(runs.get(key(s, length)) ?? []), await runOnce(s, length)]);
  log(`  repeat ${r + 1}/${repeats} done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

// ── The cost model, fitted to bare forwards of the KV-interface graphs ────────────────────────────────────────
// A grid of shapes run straight through session.run (no engine): one query (AR's step), a block (block
// diffusion), a window (cached full-canvas), the whole canvas (a refresh) and the prompt, against attended
// lengths up to the context. Rounds over every shape, a few warm runs of one shape at a time (as an engine's
// loop runs them), so each shape gets a robust median. The engines' own forwards are then predicted by the fit
// (the "model err" column): the check that it explains them.
const gridRounds = quick ? 3 : 12;
const gridBurst = 4; // back-to-back runs of one shape per round, the first untimed: warm caches, as inside an engine's loop
function gridFeeds(model: LoadedModel, session: ort.InferenceSession, query: number, attended: number): Record<string, ort.Tensor> {
  const c = model.config;
  const past = attended - query;
  const cache = new ort.Tensor('float32', new Float32Array(c.numKeyValueHeads * past * c.headDim).fill(0.01), [1, c.numKeyValueHeads, past, c.headDim]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', new BigInt64Array(query).fill(BigInt(c.maskTokenId ?? 5)), [1, query]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: query }, (_, i) => BigInt(past + i)),
      [1, query],
    ),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(attended).fill(1n), [1, attended]),
  };
  for (const name of session.inputNames) if (name.startsWith('past_key_values.')) feeds[name] = cache;
  if (session.inputNames.includes('use_cache_branch')) feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(past > 0 ? 1 : 0), [1]);
  return feeds;
}
const gridAttended = [...new Set([64, 128, 256, 512, 768, promptTokens + longest])].filter((a) => a <= promptTokens + longest);
const grid = [
  { graph: 'AR', model: ar, session: ar.session, query: promptTokens, attended: promptTokens },
  { graph: 'block diffusion', model: block, session: block.session, query: promptTokens, attended: promptTokens },
  ...gridAttended.flatMap((a) => [
    { graph: 'AR', model: ar, session: ar.session, query: 1, attended: a },
    { graph: 'block diffusion', model: block, session: block.session, query: blockSize, attended: a },
    { graph: 'full-canvas cached', model: diffusion, session: diffusion.cachedSession!, query: blockSize + 1, attended: a },
    { graph: 'full-canvas cached', model: diffusion, session: diffusion.cachedSession!, query: a, attended: a },
  ]),
].map((g) => ({ ...g, feeds: gridFeeds(g.model, g.session, g.query, g.attended), ms: [] as number[] }));
for (let r = 0; r < gridRounds; r++) {
  for (const g of grid) {
    for (let i = 0; i < gridBurst; i++) {
      const t0 = performance.now();
      await g.session.run(g.feeds);
      if (i > 0) g.ms.push(performance.now() - t0);
    }
  }
}
const kvFit = fitForwardCost(grid.flatMap((g) => g.ms.map((ms) => ({ query: g.query, attended: g.attended, ms }))));
const gridReport = grid.map((g) => ({ graph: g.graph, query: g.query, attended: g.attended, medianMs: median(g.ms), modelledMs: predictForwardMs(kvFit, g) }));
log(`  cost grid: ${grid.length} shapes × ${gridRounds} rounds (${((performance.now() - started) / 1000).toFixed(0)} s)`);

const cells: Cell[] = [];
for (const length of lengths) {
  const arTotal = median(runs.get(key(SETTINGS[0]!, length))!.map((r) => r.totalMs));
  for (const s of SETTINGS) {
    const list = runs.get(key(s, length))!;
    const k = s.scale?.(length) ?? 1;
    const shapes = list[0]!.shapes;
    const work = workOf(shapes);
    const steps = shapes.filter((x) => x.kind === 'denoise' || x.kind === 'refresh').length;
    const splits = list.map((r) => splitTime(r.shapes, r.forwardMs, r.totalMs));
    const errors = list.flatMap((r) => r.shapes.map((shape, i) => Math.abs(predictForwardMs(kvFit, shape) - r.forwardMs[i]!) / r.forwardMs[i]!));
    const totalMs = median(list.map((r) => r.totalMs)) * k;
    cells.push({
      setting: s.name,
      engine: s.engine,
      length,
      scaledBy: k,
      nfe: median(list.map((r) => r.forwardMs.length)) * k,
      medianTotalMs: totalMs,
      msPerToken: totalMs / length,
      msPerForward: median(list.map((r) => r.forwardMs.reduce((a, b) => a + b, 0) / r.forwardMs.length)),
      p50ForwardMs: median(list.flatMap((r) => r.forwardMs)),
      queryPerForward: work.queryTokens / work.forwards,
      attendedPerForward: shapes.reduce((a, x) => a + x.attended, 0) / work.forwards,
      pairsPerForward: work.pairs / work.forwards,
      tokensPerStep: s.engine === 'ar' ? null : length / (steps * k),
      stepsPerBlock: s.engine === 'ar' ? null : (steps * k) / list[0]!.stepsPerBlock.length,
      split: {
        prefill: median(splits.map((x) => x.prefill)) * k,
        cacheWrite: median(splits.map((x) => x.cacheWrite)) * k,
        steps: median(splits.map((x) => x.steps)) * k,
        sampling: median(splits.map((x) => x.sampling)) * k,
      },
      speedupVsAr: arTotal / totalMs,
      modelledMs: predictShapesMs(kvFit, shapes) * k + median(splits.map((x) => x.sampling)) * k,
      modelledSpeedupVsAr: 0,
      modelError: median(errors),
    });
  }
  const arCell = cells.find((c) => c.length === length && c.engine === 'ar')!;
  for (const c of cells.filter((c) => c.length === length)) c.modelledSpeedupVsAr = arCell.modelledMs / c.modelledMs;
}

// ── The arithmetic: block diffusion against AR under the fitted cost model ─────────────────────────────────────
const cellOf = (setting: string, length: number) => cells.find((c) => c.setting === setting && c.length === length)!;
/** The model's cost of each term per generated token, ms. */
const perToken = (shapes: ForwardShape[], length: number): CostCoefficients => {
  const t = costTerms(kvFit, shapes);
  return { perCallMs: t.perCallMs / length, perPositionMs: t.perPositionMs / length, perPairMs: t.perPairMs / length, perAttendedMs: t.perAttendedMs / length };
};
const STEP_GRID = [1, 2, 4, 8] as const;
const arithmetic = lengths.map((length) => {
  const arCell = cellOf('AR (KV cache)', length);
  const bd = cellOf('block diffusion thr=0.9', length);
  const bdFull = cellOf('block diffusion steps=L', length);
  const blocks = Math.ceil(length / blockSize);
  const measuredSteps = bd.stepsPerBlock!;
  return {
    length,
    arMsPerForward: arCell.msPerForward,
    blockMsPerForward: bdFull.msPerForward,
    measuredForwardRatio: bdFull.msPerForward / arCell.msPerForward,
    // The mean forward of each under the model: AR attends P + L/2 on average, a block P + L/2 + B/2.
    modelledForwardRatio:
      predictForwardMs(kvFit, { query: blockSize, attended: promptTokens + length / 2 + blockSize / 2 }) /
      predictForwardMs(kvFit, { query: 1, attended: promptTokens + length / 2 }),
    arTermsPerToken: perToken(autoregressiveShapes(promptTokens, length), length),
    // Block diffusion with one step per block (its floor: 2 forwards per block) under the model, per generated token.
    blockTermsPerTokenAtOneStep: perToken(blockDiffusionShapes(promptTokens, blockSize, new Array<number>(blocks).fill(1)), length),
    blockThresholdStepsPerBlock: measuredSteps,
    blockThresholdSpeedup: bd.speedupVsAr,
    modelledSpeedupAtMeasuredSteps: modelledBlockSpeedup(kvFit, promptTokens, length, blockSize, measuredSteps),
    modelledSpeedupAtSteps: Object.fromEntries(STEP_GRID.map((s) => [s, modelledBlockSpeedup(kvFit, promptTokens, length, blockSize, s)])),
    maxStepsPerBlockFor3x: maxStepsPerBlockFor(3, kvFit, promptTokens, length, blockSize),
  };
});

const report = {
  benchmark: 'profile-long',
  hardware: label,
  measuredAt: new Date().toISOString(),
  environment,
  session,
  repeats,
  quick,
  prompt,
  promptTokens,
  blockSize,
  exactFullCanvas,
  note: 'cost only: every output is forced to exactly L tokens (<eos> suppressed), so pass rates are not measured here',
  models: Object.fromEntries(
    [ar, diffusion, block].map((m) => [
      m.config.decoding,
      { id: m.info.id, sha256: m.info.sha256, graphNodes: m.info.graphNodes, parameters: m.info.parameters },
    ]),
  ),
  fit: kvFit,
  grid: gridReport,
  cells,
  arithmetic,
};

// ── print ─────────────────────────────────────────────────────────────────────────────────────────────────────
const pct = (part: number, total: number) => `${((part / total) * 100).toFixed(0).padStart(3)}%`;
console.log(`\nCost per output length, ${label}, ${session.intraOpThreads} thread(s), output forced to L tokens, medians of ${repeats} interleaved runs`);
console.log(`prompt ${JSON.stringify(prompt)} (${promptTokens} tokens); q×a = positions computed × positions attended, mean per forward`);
console.log(
  '  setting                             L  ms/token     NFE   tok/step  q×a/forward  ms/forward (p50)   prefill  cache-write  steps  sampling   speedup vs AR (modelled)  model err',
);
for (const c of cells) {
  const total = c.medianTotalMs;
  console.log(
    `  ${(c.setting + (c.scaledBy > 1 ? ` (×${c.scaledBy})` : '')).padEnd(34)} ${String(c.length).padStart(4)} ${c.msPerToken.toFixed(3).padStart(9)} ${String(c.nfe).padStart(7)} ${(c.tokensPerStep === null ? '' : c.tokensPerStep.toFixed(2)).padStart(10)} ${c.pairsPerForward.toFixed(0).padStart(12)} ${c.msPerForward.toFixed(3).padStart(10)} (${c.p50ForwardMs.toFixed(3)})   ${pct(c.split.prefill, total)}     ${pct(c.split.cacheWrite, total)}     ${pct(c.split.steps, total)}   ${pct(c.split.sampling, total)}   ${c.speedupVsAr.toFixed(2).padStart(10)}× (${c.modelledSpeedupVsAr.toFixed(2)}×)   ${(c.modelError * 100).toFixed(0).padStart(7)}%`,
  );
}
console.log(`\nBare forwards (session.run, no engine), ${label}, medians of ${gridRounds} interleaved rounds × ${gridBurst - 1} warm runs, ms (modelled)`);
console.log(`  graph                 query ${gridAttended.map((a) => `a=${a}`.padStart(16)).join('')}`);
for (const [graph, query] of [...new Set(gridReport.map((g) => `${g.graph}|${g.query === g.attended ? 'a' : g.query}`))].map(
  (k) => k.split('|') as [string, string],
)) {
  const row = gridAttended.map((a) =>
    gridReport.find((g) => g.graph === graph && g.attended === a && (query === 'a' ? g.query === a : g.query === Number(query))),
  );
  if (row.every((g) => !g)) continue;
  console.log(
    `  ${graph.padEnd(20)} ${query.padStart(6)} ${row.map((g) => (g ? `${g.medianMs.toFixed(3)} (${g.modelledMs.toFixed(3)})` : '').padStart(16)).join('')}`,
  );
}
const us = (ms: number) => (ms * 1000).toFixed(ms * 1000 < 10 ? 2 : 0);
console.log(
  `\nCost model fitted to those ${kvFit.groups} shapes (${label}; weighted for relative error, median error ${(kvFit.medianAbsRelError * 100).toFixed(0)}%):`,
);
console.log(
  `  ms = ${us(kvFit.perCallMs)} µs per call + ${us(kvFit.perPositionMs)} µs per computed position + ${(kvFit.perPairMs * 1e6).toFixed(1)} ns per (query, attended) pair + ${(kvFit.perAttendedMs * 1e6).toFixed(0)} ns per attended position`,
);
const terms = (t: CostCoefficients) =>
  `${us(t.perCallMs).padStart(5)} ${us(t.perPositionMs).padStart(5)} ${us(t.perPairMs).padStart(5)} ${us(t.perAttendedMs).padStart(5)}`;
console.log(`\nBlock diffusion (B = ${blockSize}) against AR, ${label}: per-forward costs, the model's terms per generated token (µs), and its speed-ups`);
console.log(
  '      L   AR ms/fwd  block ms/fwd  ratio (model)    AR µs/token: call  pos  pair  attd   block@1 step/blk: call  pos  pair  attd   thr=0.9 steps/blk  speedup (model)   modelled speed-up at 1 / 2 / 4 / 8 steps per block   max steps/blk for 3×',
);
for (const a of arithmetic) {
  console.log(
    `  ${String(a.length).padStart(5)} ${a.arMsPerForward.toFixed(3).padStart(11)} ${a.blockMsPerForward.toFixed(3).padStart(13)}   ${a.measuredForwardRatio.toFixed(2).padStart(5)} (${a.modelledForwardRatio.toFixed(2)})         ${terms(a.arTermsPerToken)}                     ${terms(a.blockTermsPerTokenAtOneStep)}   ${a.blockThresholdStepsPerBlock.toFixed(1).padStart(17)}   ${a.blockThresholdSpeedup.toFixed(2).padStart(6)}× (${a.modelledSpeedupAtMeasuredSteps.toFixed(2)}×)   ${STEP_GRID.map(
      (s) => `${a.modelledSpeedupAtSteps[s]!.toFixed(2)}×`,
    )
      .join(' / ')
      .padStart(
        50,
      )}   ${a.maxStepsPerBlockFor3x === 0 ? 'none' : `${a.maxStepsPerBlockFor3x} (≥ ${(blockSize / a.maxStepsPerBlockFor3x).toFixed(1)} tokens/step)`}`,
  );
}
console.log(`  the whole run took ${((performance.now() - started) / 1000).toFixed(0)} s`);

const outFile = args.values.get('out') ?? path.join(projectRoot(), 'bench', 'results', `profile-long-${report.measuredAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2));
console.log(`\nwrote ${path.relative(projectRoot(), outFile)}`);
process.exit(0);
