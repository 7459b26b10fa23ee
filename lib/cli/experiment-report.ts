// How an experiment's statistics print: the summary table and header shared by bench, show and diff.
import type { Experiment } from '../db/experiments.ts';
import type { Aggregate } from '../harness/aggregate.ts';
import { textTable } from './text-table.ts';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);

/** "CPU" or the GPU provider: every printed number says where it was measured. */
export function hardwareOf(experiment: Experiment): string {
  const env = experiment.environment;
  return env.executionProvider === 'cpu' ? `CPU (${env.cpuModel}, threads ${env.threads ?? 'default'})` : `GPU ${env.gpuModel ?? ''} (${env.executionProvider})`.trim();
}

export function summaryTable(aggregates: readonly Aggregate[]): string {
  const header = ['L', 'task', 'engine', 'setting', 'n', 'pass', 'pass 95% CI', 'median ms', 'p95 ms', 'IQR ms', 'ttft ms', 'tok/s', 'NFE', 'speedup', 'speedup 95% CI', 'pass vs cache=none'];
  const rows = aggregates.map((a) => [
    String(a.length),
    a.task,
    a.engine === 'autoregressive' ? 'AR' : 'diffusion',
    a.setting,
    String(a.runs),
    a.latencyOnly ? 'latency-only' : pct(a.passRate),
    a.passRateInterval ? `${pct(a.passRateInterval.low)}–${pct(a.passRateInterval.high)}` : '-',
    ms(a.latencyMedianMs),
    ms(a.latencyP95Ms),
    ms(a.latencyIqrMs),
    ms(a.ttftMedianMs),
    a.tokensPerSecondMedian.toFixed(0),
    String(a.nfeMedian),
    a.speedup ? `${a.speedup.median.toFixed(2)}×` : '',
    a.speedup ? `${a.speedup.interval.low.toFixed(2)}–${a.speedup.interval.high.toFixed(2)}` : '',
    a.cacheEffect ? `${a.cacheEffect.passRateDelta >= 0 ? '+' : ''}${(a.cacheEffect.passRateDelta * 100).toFixed(0)} pts (n=${a.cacheEffect.n})` : '',
  ]);
  return textTable(header, rows);
}

export function experimentHeader(e: Experiment, runCount: number): string {
  return [
    `experiment ${e.id} (${e.kind}, ${e.status}) "${e.title}"`,
    `  created ${e.createdAt.toISOString()}${e.finishedAt ? `, ended ${e.finishedAt.toISOString()}` : ''}; ${runCount} runs; measured on ${hardwareOf(e)}`,
    `  git ${e.environment.gitSha.slice(0, 12)}${e.environment.gitDirty ? ' (dirty)' : ''}, node ${e.environment.node}, onnxruntime ${e.environment.onnxruntime}; share slug ${e.slug}`,
  ].join('\n');
}

