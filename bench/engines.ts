// `npm run bench:engines`: how fast the engines are, against outside references and against each other.
//  1. AR engine tokens/s ÷ transformers.js generate() tokens/s, same folder and threads, greedy, exact lengths.
//  2. Engine overhead: engine wall time per forward ÷ a bare session.run loop on identical inputs.
//  3. Diffusion vs AR latency per output length for steps = L, L/4 and threshold 0.9, with pass rates.
// Every number is measured now, after warm-up, as a median. Labelled CPU when run on the CPU provider.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoModelForCausalLM, AutoTokenizer, env as transformersEnv } from '@huggingface/transformers';
import { parseArgs, intFlag, intListFlag } from '../lib/cli/args.ts';
import { hardwareLabel, readSessionSettings } from '../lib/cli/decoding-flags.ts';
import { createEngine, loadModel, type LoadedModel } from '../lib/engines/index.ts';
import type { DecodingSettings, GenerationResult } from '../lib/engines/types.ts';
import { captureEnvironment } from '../lib/env/environment.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { outputLengthFor, suiteRecords } from '../lib/harness/eval-records.ts';
import { median } from '../lib/harness/stats.ts';
import { projectRoot } from '../lib/paths.ts';
import { checkCompletions } from '../lib/tasks/check.ts';

const args = parseArgs(process.argv.slice(2), { values: ['threads', 'ep', 'graph-opt', 'repeats', 'lengths', 'out'], switches: ['quick'] });
const quick = args.switches.has('quick'); // a smoke run: fewer items and lengths
const session = readSessionSettings(args);
if (session.intraOpThreads === null) session.intraOpThreads = 2; // fixed and recorded, not ORT's guess
const repeats = intFlag(args, 'repeats', quick ? 2 : 5, 1);
// Overhead ratios are a few percent on top of run-to-run noise of about as much, so they take more pairs.
const overheadPairs = 3 * repeats;
const label = hardwareLabel(session);
const log = (line: string) => console.error(line);

const ar = await loadModel(BUNDLED_AR_MODEL_ID, session);
const diffusion = await loadModel(BUNDLED_DIFFUSION_MODEL_ID, session);
const environment = captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads });

const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

// ── 1. AR engine vs transformers.js ────────────────────────────────────────────────────────────────────
async function arVersusTransformers(newTokens: number) {
  transformersEnv.allowRemoteModels = false;
  transformersEnv.localModelPath = path.dirname(ar.info.dir) + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(ar.info.id, { local_files_only: true });
  const reference = await AutoModelForCausalLM.from_pretrained(ar.info.id, {
    local_files_only: true,
    dtype: 'fp32',
    device: 'cpu',
    session_options: { intraOpNumThreads: session.intraOpThreads!, interOpNumThreads: 1, graphOptimizationLevel: session.graphOptimizationLevel },
  });
  const prompt = 'copy: k3x9q\n';
  const inputs = tokenizer(prompt, { add_special_tokens: false });
  const runReference = () => reference.generate({ ...inputs, max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false });
  const engine = createEngine(ar);
  const settings: Partial<DecodingSettings> = { maxNewTokens: newTokens, minNewTokens: newTokens };
  await runReference();
  await engine.generate({ prompt, settings });
  const referenceTps: number[] = [];
  const engineTps: number[] = [];
  for (let i = 0; i < repeats; i++) {
    // Alternate the two so drift in machine load hits both alike.
    const [, ms] = await timed(runReference);
    referenceTps.push(newTokens / (ms / 1000));
    const result = await engine.generate({ prompt, settings });
    engineTps.push(result.timings.generatedTokens / (result.timings.totalMs / 1000));
  }
  await reference.dispose();
  return { newTokens, engineTokensPerSecond: median(engineTps), transformersTokensPerSecond: median(referenceTps), ratio: median(engineTps) / median(referenceTps) };
}

// ── 2. Engine overhead vs bare session.run ─────────────────────────────────────────────────────────────
async function arOverhead(newTokens: number) {
  const prompt = 'copy: k3x9q\n';
  const engine = createEngine(ar);
  const settings = { maxNewTokens: newTokens, minNewTokens: newTokens };
  await engine.generate({ prompt, settings });
  const ratios: number[] = [];
  for (let r = 0; r < overheadPairs; r++) {
    const result = await engine.generate({ prompt, settings });
    // The same token sequence, fed by the shortest possible loop: prefill, then one token per run.
    const ids = [...ar.tokenizer.encode(prompt), ...result.tokenIds];
    const promptLength = ids.length - result.tokenIds.length;
    const empty = new ort.Tensor('float32', new Float32Array(0), [1, ar.config.numKeyValueHeads, 0, ar.config.headDim]);
    const feeds: Record<string, ort.Tensor> = {};
    for (let l = 0; l < ar.config.numLayers; l++) feeds[`past_key_values.${l}.key`] = feeds[`past_key_values.${l}.value`] = empty;
    const t0 = performance.now();
    let past = 0;
    for (let step = 0; step < result.timings.forwardPasses; step++) {
      const chunk = step === 0 ? ids.slice(0, promptLength) : [ids[promptLength + step - 1]!];
      feeds.input_ids = int64(chunk);
      feeds.attention_mask = int64(new Array<number>(past + chunk.length).fill(1));
      feeds.position_ids = int64(chunk.map((_, i) => past + i));
      const out = await ar.session.run(feeds);
      for (let l = 0; l < ar.config.numLayers; l++) {
        feeds[`past_key_values.${l}.key`] = out[`present.${l}.key`]!;
        feeds[`past_key_values.${l}.value`] = out[`present.${l}.value`]!;
      }
      past += chunk.length;
    }
    const bareMs = performance.now() - t0;
    ratios.push(result.timings.totalMs / bareMs);
  }
  return { engine: 'autoregressive', newTokens, ratio: median(ratios) };
}

async function diffusionOverhead(length: number) {
  const prompt = 'copy: k3x9q\n';
  const engine = createEngine(diffusion);
  const settings = { maxNewTokens: length };
  await engine.generate({ prompt, settings });
  const ratios: number[] = [];
  for (let r = 0; r < overheadPairs; r++) {
    const result = await engine.generate({ prompt, settings });
    const total = diffusion.tokenizer.encode(prompt).length + length;
    const feeds = { input_ids: int64(new Array<number>(total).fill(diffusion.config.maskTokenId!)), attention_mask: int64(new Array<number>(total).fill(1)) };
    const t0 = performance.now();
    for (let i = 0; i < result.timings.forwardPasses; i++) await diffusion.session.run(feeds);
    ratios.push(result.timings.totalMs / (performance.now() - t0));
  }
  return { engine: 'diffusion', length, ratio: median(ratios) };
}

// ── 3. Diffusion vs AR latency and pass rate per output length ─────────────────────────────────────────
interface LatencyRow {
  length: number;
  setting: string;
  engine: 'autoregressive' | 'diffusion';
  items: number;
  passRate: number | null;
  medianTotalMs: number;
  medianTtftMs: number;
  medianForwardPasses: number;
  medianTokensPerSecond: number;
  speedupVsAr: number | null; // AR median total ms ÷ this setting's median total ms
}

async function latencyAt(length: number): Promise<LatencyRow[]> {
  // Copy items whose answer exactly fills the output (copy goes to 256); at 512 the answer is 256 symbols
  // followed by <eos> padding, and AR is forced to 512 tokens, so only diffusion's pass rate is meaningful there.
  const answerLength = Math.min(length, 256);
  const n = quick ? 2 : length <= 64 ? 8 : length <= 256 ? 4 : 2;
  const records = suiteRecords('copy', [answerLength], n, 0);
  const settings: [string, LoadedModel, Partial<DecodingSettings>][] = [
    ['AR (KV cache, greedy)', ar, length > 256 ? { maxNewTokens: length, minNewTokens: length } : { maxNewTokens: length }],
    ['diffusion steps=L', diffusion, { maxNewTokens: length, steps: length }],
    ['diffusion steps=L/4', diffusion, { maxNewTokens: length, steps: length / 4 }],
    ['diffusion threshold=0.9', diffusion, { maxNewTokens: length, threshold: 0.9 }],
    ['diffusion factor=1', diffusion, { maxNewTokens: length, factor: 1 }],
  ];
  // Block-wise decoding with and without Fast-dLLM's KV cache, threshold 0.9: the cache's effect alone.
  const block = Math.min(32, length);
  for (const cache of ['none', 'prefix', 'dual'] as const) {
    settings.push([`diffusion block=${block} thr=0.9 cache=${cache}`, diffusion, { maxNewTokens: length, blockLength: block, threshold: 0.9, cache }]);
  }
  const rows: LatencyRow[] = [];
  for (const [name, model, s] of settings) {
    const engine = createEngine(model);
    await engine.generate({ prompt: records[0]!.prompt, settings: s });
    const results: GenerationResult[] = [];
    for (const record of records) results.push(await engine.generate({ prompt: record.prompt, settings: s }));
    const checks = await checkCompletions(records.map((r, i) => ({ ...r, completion: results[i]!.text })));
    const passMeaningful = !(model === ar && length > 256);
    rows.push({
      length,
      setting: name,
      engine: model.config.decoding,
      items: records.length,
      passRate: passMeaningful ? checks.filter((c) => c.passed).length / records.length : null,
      medianTotalMs: median(results.map((r) => r.timings.totalMs)),
      medianTtftMs: median(results.map((r) => r.timings.ttftMs)),
      medianForwardPasses: median(results.map((r) => r.timings.forwardPasses)),
      medianTokensPerSecond: median(results.map((r) => r.timings.tokensPerSecond)),
      speedupVsAr: null,
    });
    log(`  L=${length} ${name}: ${rows.at(-1)!.medianTotalMs.toFixed(1)} ms`);
  }
  for (const row of rows) row.speedupVsAr = rows[0]!.medianTotalMs / row.medianTotalMs;
  return rows;
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────────────
log(`bench:engines on ${label}: ${environment.cpuModel}, ${environment.cpuCores} cores, threads ${session.intraOpThreads}, ORT ${environment.onnxruntime}, Node ${environment.node}`);
const arNewTokens = quick ? [64] : [64, 256];
log('1/3 AR engine vs transformers.js generate()');
const versusTransformers = [];
for (const n of arNewTokens) versusTransformers.push(await arVersusTransformers(n));
log('2/3 engine overhead vs bare session.run');
const overhead = [];
for (const n of arNewTokens) overhead.push(await arOverhead(n));
for (const n of quick ? [16] : [16, 64]) overhead.push(await diffusionOverhead(n));
log('3/3 diffusion vs AR latency per output length');
const maxLength = diffusion.config.contextLength - 270; // the longest copy prompt is ~262 tokens
const lengths = (intListFlag(args, 'lengths') ?? (quick ? [16, 64] : [16, 64, 256, 512])).filter((l) => l <= maxLength);
const latency: LatencyRow[] = [];
for (const length of lengths) latency.push(...(await latencyAt(length)));

// What limits the latency numbers: the cost of one forward of each kind, and the diffusion step count at which
// diffusion would match AR's total time on this hardware.
const limits = lengths.map((length) => {
  const rows = latency.filter((r) => r.length === length);
  const arRow = rows.find((r) => r.engine === 'autoregressive')!;
  const fullSteps = rows.find((r) => r.setting === 'diffusion steps=L')!;
  const arMsPerForward = arRow.medianTotalMs / arRow.medianForwardPasses;
  const diffusionMsPerForward = fullSteps.medianTotalMs / fullSteps.medianForwardPasses;
  return { length, arMsPerForward, diffusionMsPerForward, breakEvenSteps: arRow.medianTotalMs / diffusionMsPerForward };
});
const report = { benchmark: 'engines', hardware: label, measuredAt: new Date().toISOString(), environment, session, repeats, overheadPairs, quick, models: { autoregressive: { id: ar.info.id, sha256: ar.info.sha256 }, diffusion: { id: diffusion.info.id, sha256: diffusion.info.sha256 } }, versusTransformers, overhead, latency, limits };

const pct = (v: number | null) => (v === null ? '  n/a' : `${(v * 100).toFixed(0).padStart(4)}%`);
console.log(`\nAR engine vs transformers.js generate() — greedy, exact length, ${label}, threads ${session.intraOpThreads}, median of ${repeats} (target ≥ 1.3)`);
for (const v of versusTransformers) console.log(`  ${String(v.newTokens).padStart(4)} new tokens: engine ${v.engineTokensPerSecond.toFixed(0)} tok/s, transformers.js ${v.transformersTokensPerSecond.toFixed(0)} tok/s → ${v.ratio.toFixed(2)}×`);
console.log(`\nEngine overhead: engine wall time ÷ bare session.run loop on identical inputs, ${label}, median of ${overheadPairs} interleaved pairs (target ≤ 1.15)`);
for (const o of overhead) console.log(`  ${o.engine.padEnd(14)} ${'newTokens' in o ? `${o.newTokens} tokens` : `L=${o.length}`}: ${o.ratio.toFixed(3)}`);
console.log(`\nDiffusion vs AR latency per output length (copy task), ${label}, medians over items`);
console.log('  length  setting                                   pass   median ms   ttft ms    NFE   tok/s   speedup vs AR');
for (const r of latency) {
  console.log(
    `  ${String(r.length).padStart(6)}  ${r.setting.padEnd(40)} ${pct(r.passRate)} ${r.medianTotalMs.toFixed(1).padStart(11)} ${r.medianTtftMs.toFixed(1).padStart(9)} ${String(r.medianForwardPasses).padStart(6)} ${r.medianTokensPerSecond.toFixed(0).padStart(7)}   ${r.speedupVsAr!.toFixed(2)}×`,
  );
}
console.log(`\nWhat limits them (${label}): one diffusion forward covers prompt + L tokens, one AR decode forward one token`);
for (const l of limits) {
  console.log(
    `  L=${String(l.length).padStart(3)}: diffusion ${l.diffusionMsPerForward.toFixed(2)} ms/forward vs AR ${l.arMsPerForward.toFixed(2)} ms/forward (${(l.diffusionMsPerForward / l.arMsPerForward).toFixed(1)}×); diffusion matches AR's total time at ≈ ${l.breakEvenSteps.toFixed(1)} steps`,
  );
}
console.log('  AR vs transformers.js: both call the same ORT session once per token; the gap is per-token JS work outside ORT.');
console.log('  Overhead: per-step scoring of every masked position in the block (float64 softmax over the vocabulary) plus run-to-run noise.');

const outFile = args.values.get('out') ?? path.join(projectRoot(), 'bench', 'results', `engines-${report.measuredAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2));
console.log(`\nwrote ${path.relative(projectRoot(), outFile)}`);
process.exit(0);
