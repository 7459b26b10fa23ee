// How an experiment's statistics print: the summary table and header shared by bench, show and diff.
import type { Experiment } from '../db/experiments.ts';
import type { Aggregate } from '../harness/aggregate.ts';
import { formatCost } from '../harness/cost-format.ts';
import { mixesHardware } from '../harness/hardware.ts';
import { textTable } from './text-table.ts';

export { formatCost };

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);

/** "CPU" or the GPU provider: every printed number says where it was measured. */
export function hardwareOf(experiment: Experiment): string {
  const env = experiment.environment;
  const local =
    env.executionProvider === 'cpu'
      ? `CPU (${env.cpuModel}, threads ${env.threads ?? 'default'})`
      : `GPU ${env.gpuModel ?? ''} (${env.executionProvider})`.trim();
  return env.remoteHosts?.length ? `${local}; remote models: ${env.remoteHosts.join(', ')}, network included` : local;
}

export function summaryTable(aggregates: readonly Aggregate[]): string {
  const header = [
    'L',
    'task',
    'engine',
    'setting',
    'n',
    'pass',
    'pass 95% CI',
    'median ms',
    'p95 ms',
    'IQR ms',
    'ttft ms',
    'tok/s',
    'NFE',
    'speedup',
    'speedup 95% CI',
    'pass vs cache=none',
  ];
  // A sweep whose workers ran on several kinds of hardware: one row per hardware, each named.
  const byHardware = mixesHardware(aggregates);
  const rows = aggregates.map((a) => [
    String(a.length),
    a.task,
    a.engine === 'autoregressive' ? 'AR' : a.engine === 'block_diffusion' ? 'block' : 'diffusion',
    byHardware && a.hardware ? `${a.setting} on ${a.hardware}` : a.setting,
    String(a.runs),
    a.latencyOnly ? 'latency-only' : pct(a.passRate),
    a.passRateInterval ? `${pct(a.passRateInterval.low)}–${pct(a.passRateInterval.high)}` : '-',
    ms(a.latencyMedianMs),
    ms(a.latencyP95Ms),
    ms(a.latencyIqrMs),
    ms(a.ttftMedianMs),
    Number.isFinite(a.tokensPerSecondMedian) ? a.tokensPerSecondMedian.toFixed(0) : '-',
    a.remote || !Number.isFinite(a.nfeMedian) ? '-' : String(a.nfeMedian), // NFE is unknown behind an API
    a.speedup ? `${a.speedup.median.toFixed(2)}×` : '',
    a.speedup ? `${a.speedup.interval.low.toFixed(2)}–${a.speedup.interval.high.toFixed(2)}` : '',
    a.cacheEffect ? `${a.cacheEffect.passRateDelta >= 0 ? '+' : ''}${(a.cacheEffect.passRateDelta * 100).toFixed(0)} pts (n=${a.cacheEffect.n})` : '',
  ]);
  // Remote models add their columns (failed requests, cost beside latency) and say where they were measured.
  if (!aggregates.some((a) => a.remote !== null)) return textTable(header, rows);
  const latencyAt = header.indexOf('p95 ms') + 1;
  const remoteHeader = [...header.slice(0, latencyAt), 'failed', 'cost/run', ...header.slice(latencyAt)];
  const remoteRows = rows.map((row, i) => {
    const a = aggregates[i]!;
    return [
      ...row.slice(0, latencyAt),
      String(a.failures),
      formatCost(a.costUsd?.medianPerRun ?? null, a.costUsd?.estimated ?? false),
      ...row.slice(latencyAt),
    ];
  });
  const labels = [...new Map(aggregates.filter((a) => a.remote).map((a) => [a.model, a.remote!])).entries()].map(([model, label]) => `  ${model}: ${label}`);
  return `${textTable(remoteHeader, remoteRows)}\nremote models (their latency includes the network; NFE is unknown behind an API):\n${labels.join('\n')}`;
}

/** The experiment's whole cost, or null when no run had a price. */
export function costLine(cost: { totalUsd: number; runs: number; estimated: boolean } | null): string | null {
  if (!cost) return null;
  return `cost: ${formatCost(cost.totalUsd, cost.estimated)} over ${cost.runs} priced remote runs (usage × price_per_million${cost.estimated ? '; ≈ = token counts estimated' : ''})`;
}

export function experimentHeader(e: Experiment, runCount: number): string {
  return [
    `experiment ${e.id} (${e.kind}, ${e.status}) "${e.title}"`,
    `  created ${e.createdAt.toISOString()}${e.finishedAt ? `, ended ${e.finishedAt.toISOString()}` : ''}; ${runCount} runs; measured on ${hardwareOf(e)}`,
    `  git ${e.environment.gitSha.slice(0, 12)}${e.environment.gitDirty ? ' (dirty)' : ''}, node ${e.environment.node}, onnxruntime ${e.environment.onnxruntime}; share slug ${e.slug}`,
  ].join('\n');
}
