// Statistics of a sweep, computed from its stored runs every time they are asked for (so they can always be
// recomputed and never drift from the data): per engine × setting × task × length × hardware. Runs measured on
// different hardware (a queued sweep's workers on different machines) are never pooled into one latency, and a
// speedup pairs a diffusion run only with an AR run on the same hardware.
import type { Run } from '../db/runs.ts';
import { remoteLabel } from '../engines/remote/label.ts';
import { type HardwareEnvironment, runHardware } from './hardware.ts';
import { type Interval, iqr, median, p95, pairedSpeedup, passAtK, wilsonInterval } from './stats.ts';

export interface Aggregate {
  engine: string;
  setting: string;
  task: string;
  length: number;
  latencyOnly: boolean; // exact-length timing cells: no pass statistics
  runs: number;
  latencyMedianMs: number;
  latencyP95Ms: number;
  latencyIqrMs: number;
  ttftMedianMs: number;
  tokensPerSecondMedian: number; // generated tokens only
  nfeMedian: number;
  passed: number | null;
  passRate: number | null;
  passRateInterval: Interval | null; // Wilson 95%
  passAtK: Record<string, number> | null; // "1", "k": unbiased estimator averaged over items (with samples > 1)
  speedup: { versus: string; n: number; median: number; interval: Interval } | null; // diffusion kinds only: AR ÷ it, paired by item
  // A diffusion KV cache (prefix/dual) is approximate: its pass rate minus that of the same settings with cache
  // none, on the items both ran, so a cache's quality cost is shown next to its speed and never hidden.
  cacheEffect: { versus: string; n: number; passRateDelta: number } | null;
  model: string; // the model id (a compare may put two models of one engine side by side)
  remote: string | null; // "remote, network included (<host>)" when measured through an API, else null
  hardware: string | null; // where its runs were measured (lib/harness/hardware.ts); null: not known
  failures: number; // runs with no answer (a remote request failed after retries): counted as not passed, never in latency
  costUsd: { total: number; medianPerRun: number; estimated: boolean } | null; // remote models with a price
}

type Measured = Run & { hardware: string | null };
const groupKey = (r: Measured) => `${r.engine}|${r.modelId}|${r.setting ?? ''}|${r.taskId ?? ''}|${r.requestedLength}|${r.hardware ?? ''}`;
/** Runs that produced an answer: only these have a latency. */
const answered = (runs: readonly Run[]) => runs.filter((r) => r.failure === null);
const itemKey = (r: Run) => `${r.taskId}|${r.requestedLength}|${r.itemId}|${r.sample}`;
const cacheOf = (r: Run) => ((r.settings ?? {}) as { cache?: string }).cache ?? 'none';
/** The decoding settings apart from the cache (and what differs run to run): equal for a cached setting and its reference. */
function settingsBesidesCache(r: Measured): string {
  const { cache: _cache, seed: _seed, stopReason: _stop, ...rest } = (r.settings ?? {}) as Record<string, unknown>;
  return `${r.taskId}|${r.requestedLength}|${r.hardware ?? ''}|${JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * Aggregates in a stable order: length, task, engine (AR first), setting as first stored. `environment` is the
 * experiment's: the hardware of runs that carry no worker environment of their own.
 */
export function aggregateRuns(stored: readonly Run[], environment: HardwareEnvironment | null = null): Aggregate[] {
  const runs: Measured[] = stored.map((r) => ({ ...r, hardware: runHardware(r, environment) }));
  const groups = new Map<string, Measured[]>();
  for (const run of runs) groups.set(groupKey(run), [...(groups.get(groupKey(run)) ?? []), run]);
  // The AR reference for speedups: the first AR setting stored for each (task, length, hardware).
  const referenceKey = (r: Measured) => `${r.taskId}|${r.requestedLength}|${r.hardware ?? ''}`;
  const arReference = new Map<string, { setting: string; byItem: Map<string, number> }>();
  for (const [, members] of groups) {
    const first = members[0]!;
    if (first.engine !== 'autoregressive') continue;
    const key = referenceKey(first);
    if (!arReference.has(key)) arReference.set(key, { setting: first.setting ?? '', byItem: new Map(answered(members).map((r) => [itemKey(r), r.totalMs])) });
  }
  const uncached = new Map<string, { setting: string; byItem: Map<string, boolean> }>();
  for (const [, members] of groups) {
    const first = members[0]!;
    if (first.engine !== 'diffusion' || cacheOf(first) !== 'none' || first.latencyOnly) continue;
    const byItem = new Map(members.filter((r) => r.passed !== null).map((r) => [itemKey(r), r.passed!]));
    uncached.set(settingsBesidesCache(first), { setting: first.setting ?? '', byItem });
  }
  const aggregates: Aggregate[] = [];
  for (const members of groups.values()) {
    const first = members[0]!;
    const latencyOnly = members.every((r) => r.latencyOnly);
    const quality = members.filter((r) => !r.latencyOnly && r.passed !== null);
    const passed = quality.filter((r) => r.passed).length;
    const samples = new Map<string, { n: number; c: number }>();
    for (const r of quality) {
      const item = `${r.itemId}`;
      const s = samples.get(item) ?? { n: 0, c: 0 };
      s.n++;
      s.c += r.passed ? 1 : 0;
      samples.set(item, s);
    }
    const maxSamples = Math.min(...[...samples.values()].map((s) => s.n));
    let atK: Record<string, number> | null = null;
    if (quality.length > 0 && maxSamples > 1) {
      atK = {};
      for (const k of [1, maxSamples]) atK[String(k)] = [...samples.values()].reduce((sum, s) => sum + passAtK(s.n, s.c, k), 0) / samples.size;
    }
    let speedup: Aggregate['speedup'] = null;
    const reference = arReference.get(referenceKey(first));
    if (first.engine !== 'autoregressive' && reference) {
      // diffusion and block diffusion
      const pairs = answered(members).flatMap((r) => {
        const arMs = reference.byItem.get(itemKey(r));
        return arMs === undefined ? [] : [{ arMs, diffusionMs: r.totalMs }];
      });
      if (pairs.length > 0) speedup = { versus: reference.setting, ...pairedSpeedup(pairs) };
    }
    let cacheEffect: Aggregate['cacheEffect'] = null;
    const noCache = first.engine === 'diffusion' && cacheOf(first) !== 'none' ? uncached.get(settingsBesidesCache(first)) : undefined;
    if (noCache) {
      const pairs = quality.flatMap((r) => {
        const without = noCache.byItem.get(itemKey(r));
        return without === undefined ? [] : [Number(r.passed) - Number(without)];
      });
      if (pairs.length > 0) cacheEffect = { versus: noCache.setting, n: pairs.length, passRateDelta: pairs.reduce((a, d) => a + d, 0) / pairs.length };
    }
    const timed = answered(members);
    const priced = timed.filter((r) => r.costUsd !== null);
    aggregates.push({
      engine: first.engine,
      setting: first.setting ?? '',
      task: first.taskId ?? '',
      length: first.requestedLength,
      latencyOnly,
      runs: members.length,
      latencyMedianMs: median(timed.map((r) => r.totalMs)),
      latencyP95Ms: p95(timed.map((r) => r.totalMs)),
      latencyIqrMs: iqr(timed.map((r) => r.totalMs)),
      ttftMedianMs: median(timed.map((r) => r.ttftMs ?? Number.NaN)),
      tokensPerSecondMedian: median(timed.map((r) => (r.totalMs > 0 ? r.generatedTokens / (r.totalMs / 1000) : 0))),
      nfeMedian: median(timed.map((r) => r.forwardPasses)),
      passed: latencyOnly ? null : passed,
      passRate: latencyOnly || quality.length === 0 ? null : passed / quality.length,
      passRateInterval: latencyOnly || quality.length === 0 ? null : wilsonInterval(passed, quality.length),
      passAtK: latencyOnly ? null : atK,
      speedup,
      cacheEffect,
      model: first.modelId,
      remote: first.remote ? remoteLabel(first.host ?? 'unknown host') : null,
      hardware: first.hardware,
      failures: members.length - timed.length,
      costUsd:
        priced.length === 0
          ? null
          : {
              total: sum(priced.map((r) => r.costUsd!)),
              medianPerRun: median(priced.map((r) => r.costUsd!)),
              estimated: priced.some((r) => r.tokensEstimated),
            },
    });
  }
  const engineOrder = (e: string) => ['autoregressive', 'diffusion', 'block_diffusion'].indexOf(e);
  return aggregates.sort((a, b) => a.length - b.length || a.task.localeCompare(b.task) || engineOrder(a.engine) - engineOrder(b.engine));
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** An experiment's whole cost: every priced run (remote models with a price), and whether any was estimated. */
export function experimentCost(runs: readonly Run[]): { totalUsd: number; runs: number; estimated: boolean } | null {
  const priced = runs.filter((r) => r.costUsd !== null && r.costUsd !== undefined);
  if (priced.length === 0) return null;
  return { totalUsd: sum(priced.map((r) => r.costUsd!)), runs: priced.length, estimated: priced.some((r) => r.tokensEstimated) };
}
