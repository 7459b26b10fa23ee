// Statistics of a sweep, computed from its stored runs every time they are asked for (so they can always be
// recomputed and never drift from the data): per engine × setting × task × length.
import type { Run } from '../db/runs.ts';
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
  speedup: { versus: string; n: number; median: number; interval: Interval } | null; // diffusion only: AR ÷ diffusion, paired by item
  // A diffusion KV cache (prefix/dual) is approximate: its pass rate minus that of the same settings with cache
  // none, on the items both ran, so a cache's quality cost is shown next to its speed and never hidden.
  cacheEffect: { versus: string; n: number; passRateDelta: number } | null;
}

const groupKey = (r: Pick<Run, 'engine' | 'setting' | 'taskId' | 'requestedLength'>) => `${r.engine}|${r.setting ?? ''}|${r.taskId ?? ''}|${r.requestedLength}`;
const itemKey = (r: Run) => `${r.taskId}|${r.requestedLength}|${r.itemId}|${r.sample}`;
const cacheOf = (r: Run) => ((r.settings ?? {}) as { cache?: string }).cache ?? 'none';
/** The decoding settings apart from the cache (and what differs run to run): equal for a cached setting and its reference. */
function settingsBesidesCache(r: Run): string {
  const { cache: _cache, seed: _seed, stopReason: _stop, ...rest } = (r.settings ?? {}) as Record<string, unknown>;
  return `${r.taskId}|${r.requestedLength}|${JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Aggregates in a stable order: length, task, engine (AR first), setting as first stored. */
export function aggregateRuns(runs: readonly Run[]): Aggregate[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs) groups.set(groupKey(run), [...(groups.get(groupKey(run)) ?? []), run]);
  // The AR reference for speedups: the first AR setting stored for each (task, length).
  const arReference = new Map<string, { setting: string; byItem: Map<string, number> }>();
  for (const [, members] of groups) {
    const first = members[0]!;
    if (first.engine !== 'autoregressive') continue;
    const key = `${first.taskId}|${first.requestedLength}`;
    if (!arReference.has(key)) arReference.set(key, { setting: first.setting ?? '', byItem: new Map(members.map((r) => [itemKey(r), r.totalMs])) });
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
    const reference = arReference.get(`${first.taskId}|${first.requestedLength}`);
    if (first.engine === 'diffusion' && reference) {
      const pairs = members.flatMap((r) => {
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
    aggregates.push({
      engine: first.engine,
      setting: first.setting ?? '',
      task: first.taskId ?? '',
      length: first.requestedLength,
      latencyOnly,
      runs: members.length,
      latencyMedianMs: median(members.map((r) => r.totalMs)),
      latencyP95Ms: p95(members.map((r) => r.totalMs)),
      latencyIqrMs: iqr(members.map((r) => r.totalMs)),
      ttftMedianMs: median(members.map((r) => r.ttftMs ?? Number.NaN)),
      tokensPerSecondMedian: median(members.map((r) => (r.totalMs > 0 ? r.generatedTokens / (r.totalMs / 1000) : 0))),
      nfeMedian: median(members.map((r) => r.forwardPasses)),
      passed: latencyOnly ? null : passed,
      passRate: latencyOnly || quality.length === 0 ? null : passed / quality.length,
      passRateInterval: latencyOnly || quality.length === 0 ? null : wilsonInterval(passed, quality.length),
      passAtK: latencyOnly ? null : atK,
      speedup,
      cacheEffect,
    });
  }
  const engineOrder = (e: string) => (e === 'autoregressive' ? 0 : 1);
  return aggregates.sort((a, b) => a.length - b.length || a.task.localeCompare(b.task) || engineOrder(a.engine) - engineOrder(b.engine));
}
