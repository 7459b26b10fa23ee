// The flat CSV/JSON forms of an experiment's runs and aggregates, for `dlm export` and the app's downloads.
import type { Run } from '../db/runs.ts';
import { remoteLabel } from '../engines/remote/label.ts';
import type { Aggregate } from './aggregate.ts';

export { toCsv } from './csv.ts';

export const runRow = (r: Run) => ({
  id: r.id,
  engine: r.engine,
  model: r.modelId,
  modelSha256: r.modelSha256,
  setting: r.setting,
  task: r.taskId,
  item: r.itemId,
  sample: r.sample,
  length: r.requestedLength,
  latencyOnly: r.latencyOnly,
  passed: r.passed,
  error: r.error,
  output: r.outputText,
  generatedTokens: r.generatedTokens,
  ttftMs: r.ttftMs,
  totalMs: r.totalMs,
  nfe: r.forwardPasses,
  settings: r.settings,
  timings: r.timings,
  remote: r.remote ? remoteLabel(r.host ?? 'unknown host') : null,
  failure: r.failure,
  promptTokens: r.promptTokens,
  tokensEstimated: r.tokensEstimated,
  costUsd: r.costUsd,
  worker: r.worker, // queued sweeps: the worker that ran it, and the machine it ran on (null: the experiment's)
  workerEnvironment: r.workerEnv,
  createdAt: r.createdAt.toISOString(),
});

export const aggregateRow = (a: Aggregate) => ({
  length: a.length,
  task: a.task,
  engine: a.engine,
  model: a.model,
  remote: a.remote,
  hardware: a.hardware,
  setting: a.setting,
  latencyOnly: a.latencyOnly,
  runs: a.runs,
  passed: a.passed,
  passRate: a.passRate,
  passRateLow: a.passRateInterval?.low ?? null,
  passRateHigh: a.passRateInterval?.high ?? null,
  passAtK: a.passAtK,
  latencyMedianMs: a.latencyMedianMs,
  latencyP95Ms: a.latencyP95Ms,
  latencyIqrMs: a.latencyIqrMs,
  ttftMedianMs: a.ttftMedianMs,
  tokensPerSecondMedian: a.tokensPerSecondMedian,
  nfeMedian: a.nfeMedian,
  failures: a.failures,
  costUsdTotal: a.costUsd?.total ?? null,
  costUsdMedianPerRun: a.costUsd?.medianPerRun ?? null,
  costEstimated: a.costUsd?.estimated ?? null,
  speedupVersus: a.speedup?.versus ?? null,
  speedupMedian: a.speedup?.median ?? null,
  speedupLow: a.speedup?.interval.low ?? null,
  speedupHigh: a.speedup?.interval.high ?? null,
  cacheEffectVersus: a.cacheEffect?.versus ?? null,
  cachePassRateDelta: a.cacheEffect?.passRateDelta ?? null,
});
