// `npm run bench:sandbox`: what the code sandbox costs. Throughput (items/s) for batches of correct code
// items (the suite's canonical answers, eval split, L = 8..64), as medians over repeats, plus the time to
// start one empty batch (process start and layer set-up). Sweeps score many thousands of programs.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intFlag, parseArgs } from '../lib/cli/args.ts';
import { captureEnvironment } from '../lib/env/environment.ts';
import { median } from '../lib/harness/stats.ts';
import { projectRoot } from '../lib/paths.ts';
import { generateCheckedRecord } from '../lib/tasks/generate.ts';
import { findFamily } from '../lib/tasks/registry.ts';
import { runInSandbox, sandboxLayers } from '../lib/tasks/sandbox.ts';

const args = parseArgs(process.argv.slice(2), { values: ['repeats', 'batch', 'out'], switches: ['quick'] });
const quick = args.switches.has('quick');
const repeats = intFlag(args, 'repeats', quick ? 2 : 5, 1);
const batchSize = intFlag(args, 'batch', quick ? 50 : 200, 1);

const code = findFamily('code')!;
const lengths = [8, 16, 32, 64];
const items = Array.from({ length: batchSize }, (_, i) => {
  const record = generateCheckedRecord(code, lengths[i % lengths.length]!, 0, i, 'eval');
  return { completion: record.answer, test: record.test! };
});

await runInSandbox(items.slice(0, 5)); // warm-up: page cache, JIT of the parent side
const startMs: number[] = [];
const itemsPerSecond: number[] = [];
for (let r = 0; r < repeats; r++) {
  let t0 = performance.now();
  await runInSandbox([]);
  startMs.push(performance.now() - t0);
  t0 = performance.now();
  const results = await runInSandbox(items);
  const seconds = (performance.now() - t0) / 1000;
  const failed = results.filter((result) => !result.passed);
  if (failed.length > 0) throw new Error(`${failed.length} canonical answers failed: ${failed[0]!.error}`);
  itemsPerSecond.push(items.length / seconds);
}

const report = {
  benchmark: 'sandbox',
  measuredAt: new Date().toISOString(),
  hardware: `CPU: ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} logical cores)`,
  environment: captureEnvironment({ executionProvider: 'cpu', threads: null }),
  layers: await sandboxLayers(),
  batchSize,
  repeats,
  medianItemsPerSecond: median(itemsPerSecond),
  itemsPerSecond,
  medianEmptyBatchMs: median(startMs),
};
console.log(`Sandbox throughput (CPU, ${report.hardware}), batches of ${batchSize} correct code items, ${repeats} repeats`);
console.log(`  layers: ${report.layers.active.join(', ')}${report.layers.missing.length ? `; missing: ${report.layers.missing.join(', ')}` : ''}`);
console.log(`  median ${report.medianItemsPerSecond.toFixed(0)} items/s (runs: ${itemsPerSecond.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`  empty batch (process start + set-up): median ${report.medianEmptyBatchMs.toFixed(0)} ms`);
const outFile = args.values.get('out') ?? path.join(projectRoot(), 'bench', 'results', `sandbox-${report.measuredAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2));
console.log(`wrote ${path.relative(projectRoot(), outFile)}`);
