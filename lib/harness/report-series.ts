// The report page's data, shaped for its charts and tables: series keyed by engine × setting (an overlaid
// experiment's marked "(B)"; and by hardware when runs come from more than one, so a series never mixes
// machines), one row per output length with a column per series, the quality–speed frontier, tokens per
// diffusion step, and the runs table's filters. Framework-free, so it is tested on its own; the page
// (app/report/experiment-view.tsx) keeps only markup and React state.
import type { Aggregate } from './aggregate.ts';
import { detailedHardwareLabel, mixesHardware } from './hardware.ts';

export { detailedHardwareLabel, mixesHardware };

export interface ReportRun {
  id: string;
  engine: string;
  modelId: string;
  modelSha256: string;
  taskId: string | null;
  itemId: string | null;
  setting: string | null;
  sample: number;
  requestedLength: number;
  latencyOnly: boolean;
  outputText: string;
  generatedTokens: number;
  ttftMs: number | null;
  totalMs: number;
  forwardPasses: number;
  passed: boolean | null;
  error: string | null;
  prompt: string;
  failure?: string | null; // a remote request that failed after its retries
  costUsd?: number | null;
  worker?: string | null; // queued sweeps: the worker that ran it
  workerEnv?: unknown; // queued sweeps: where it was measured (null: the experiment's environment)
}

export interface ReportEnvironment {
  gitSha: string;
  gitDirty: boolean;
  node: string;
  onnxruntime: string;
  cpuModel: string;
  cpuCores: number;
  gpuModel: string | null;
  executionProvider: string;
  threads: number | null;
  os: string;
}

export interface ReportData {
  experiment: {
    id: string;
    slug: string;
    title: string;
    kind: string;
    status: string;
    createdAt: string;
    finishedAt: string | null;
    config: unknown;
    environment: ReportEnvironment;
  };
  runs: ReportRun[];
  aggregates: Aggregate[];
  cost?: { totalUsd: number; runs: number; estimated: boolean } | null; // remote models with a price
}

export const AR_COLOUR = '#1c7ed6';
const AR_OTHER_HARDWARE_COLOURS = ['#0b7285', '#364fc7', '#5c940d']; // AR measured on a second, third … hardware
export const DIFFUSION_COLOURS = ['#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#c2255c', '#0c8599'];
const BLOCK_COLOURS = ['#5f3dc4', '#087f5b', '#862e9c', '#364fc7']; // block diffusion: the third series, dotted
const DIFFUSION_SHAPES = ['square', 'triangle', 'diamond'] as const;
export const OVERLAY_SUFFIX = ' (B)';

export const shortEngine = (engine: string) => (engine === 'autoregressive' ? 'AR' : engine === 'block_diffusion' ? 'block' : 'diffusion');

export interface Series {
  key: string; // unique label used as the data key
  engine: string;
  setting: string;
  hardware?: string | null; // set when the chart holds more than one hardware: part of the key and label
  colour: string;
  dash?: string; // dashed for diffusion and for the overlay, so engines differ without colour
  shape: 'circle' | 'square' | 'triangle' | 'diamond';
}

export type Row = Record<string, unknown>;

const seriesKey = (a: Pick<Aggregate, 'engine' | 'setting' | 'hardware'>, suffix: string, byHardware: boolean) =>
  `${shortEngine(a.engine)} ${a.setting}${byHardware && a.hardware ? ` on ${a.hardware}` : ''}${suffix}`;

/**
 * One series per engine × setting (× hardware with `byHardware`), in first-seen order; AR solid circles (another
 * colour per further hardware), diffusion dashed, block dotted diamonds.
 */
export function seriesOf(aggregates: readonly Aggregate[], suffix = '', dashed = false, byHardware = mixesHardware(aggregates)): Series[] {
  const seen = new Map<string, Series>();
  const arHardware: (string | null)[] = [];
  let d = 0;
  let b = 0;
  for (const a of aggregates) {
    const key = seriesKey(a, suffix, byHardware);
    if (seen.has(key)) continue;
    const ar = a.engine === 'autoregressive';
    const hardware = byHardware ? a.hardware : null;
    if (a.engine === 'block_diffusion') {
      seen.set(key, {
        key,
        engine: a.engine,
        setting: a.setting,
        hardware,
        colour: BLOCK_COLOURS[b++ % BLOCK_COLOURS.length]!,
        dash: dashed ? '6 3' : '1 3',
        shape: 'diamond',
      });
      continue;
    }
    if (ar && !arHardware.includes(hardware)) arHardware.push(hardware);
    const h = arHardware.indexOf(hardware);
    seen.set(key, {
      key,
      engine: a.engine,
      setting: a.setting,
      hardware,
      colour: ar
        ? h <= 0
          ? AR_COLOUR
          : AR_OTHER_HARDWARE_COLOURS[(h - 1) % AR_OTHER_HARDWARE_COLOURS.length]!
        : DIFFUSION_COLOURS[d++ % DIFFUSION_COLOURS.length]!,
      dash: dashed ? '6 3' : ar ? undefined : '4 2',
      shape: ar ? 'circle' : DIFFUSION_SHAPES[(d - 1) % DIFFUSION_SHAPES.length]!,
    });
  }
  return [...seen.values()];
}

const byLength = (x: Row, y: Row) => (x.length as number) - (y.length as number);

/** Rows per length, one column per series (plus "<key> err" for whiskers / intervals). */
export function wide(
  aggregates: readonly Aggregate[],
  series: readonly Series[],
  suffix: string,
  value: (a: Aggregate) => number | null,
  error?: (a: Aggregate) => [number, number] | null,
  byHardware = mixesHardware(aggregates),
): Row[] {
  const rows = new Map<number, Row>();
  for (const a of aggregates) {
    const s = series.find((x) => x.key === seriesKey(a, suffix, byHardware));
    const v = value(a);
    if (!s || v === null || !Number.isFinite(v)) continue;
    const row = rows.get(a.length) ?? { length: a.length };
    row[s.key] = v;
    if (error) row[`${s.key} err`] = error(a);
    rows.set(a.length, row);
  }
  return [...rows.values()].sort(byLength);
}

/** Two row sets joined on length (an experiment and its overlay). */
export function mergeRows(a: readonly Row[], b: readonly Row[]): Row[] {
  const rows = new Map<number, Row>();
  for (const r of [...a, ...b]) rows.set(r.length as number, { ...(rows.get(r.length as number) ?? {}), ...r });
  return [...rows.values()].sort(byLength);
}

/**
 * What the charts' captions say they were measured on: the one hardware of all their runs, or how many when a
 * sweep's workers ran on several (each series then names its own). `experiment`: the experiment's own label.
 */
export function measuredOn(aggregates: readonly Pick<Aggregate, 'hardware'>[], experiment: string): string {
  const labels = [...new Set(aggregates.map((a) => a.hardware ?? experiment))];
  if (labels.length <= 1) return `measured on ${labels[0] ?? experiment}`;
  return `measured on ${labels.length} kinds of hardware: one series each, speedups only within one`;
}

export const tasksOf = (aggregates: readonly Aggregate[]) => [...new Set(aggregates.map((a) => a.task))];
export const lengthsOf = (aggregates: readonly Aggregate[]) => [...new Set(aggregates.map((a) => a.length))];

// A type, not an interface, so a list of points passes as the chart card's rows (Record<string, unknown>[]).
export type FrontierPoint = {
  series: string;
  length: number;
  nfe: number;
  latencyMs: number;
  passRate: number; // percent
};

export interface ReportCharts {
  series: Series[]; // this experiment's
  all: Series[]; // with the overlay's
  stepSeries: Series[]; // tokens per step: the diffusion kinds by setting alone (a property of decoding, not of hardware)
  speedupSeries: Series[]; // the diffusion kinds (AR is the 1× reference)
  latency: Row[];
  speedup: Row[]; // "<key> err" holds the bootstrap band [low, high]: drawn as an area around the line
  passRate: Row[];
  frontier: FrontierPoint[];
}

const latencyOf = (a: Aggregate) => a.latencyMedianMs;
const latencyWhisker = (a: Aggregate): [number, number] => [0, a.latencyP95Ms - a.latencyMedianMs];
const speedupOf = (a: Aggregate) => a.speedup?.median ?? null;
const speedupBand = (a: Aggregate): [number, number] | null => (a.speedup ? [a.speedup.interval.low, a.speedup.interval.high] : null);
const passPercent = (a: Aggregate) => (a.passRate === null ? null : 100 * a.passRate);
const passWhisker = (a: Aggregate): [number, number] | null =>
  a.passRateInterval && a.passRate !== null ? [100 * (a.passRate - a.passRateInterval.low), 100 * (a.passRateInterval.high - a.passRate)] : null;
const withQuality = (list: readonly Aggregate[]) => list.filter((a) => !a.latencyOnly);

/** Every chart against output length for one task, with another experiment's aggregates overlaid (dashed, "(B)"). */
export function reportCharts(aggregates: readonly Aggregate[], task: string, overlay: readonly Aggregate[] = []): ReportCharts {
  const mine = aggregates.filter((a) => a.task === task);
  const theirs = overlay.filter((a) => a.task === task);
  // Decided once over both experiments: an overlay measured elsewhere is labelled with its hardware too.
  const byHardware = mixesHardware([...mine, ...theirs]);
  const series = seriesOf(mine, '', false, byHardware);
  const overlaySeries = seriesOf(theirs, OVERLAY_SUFFIX, true, byHardware);
  const all = [...series, ...overlaySeries];
  const rows = (value: (a: Aggregate) => number | null, error: (a: Aggregate) => [number, number] | null, qualityOnly = false) => {
    const pick = (list: readonly Aggregate[]) => (qualityOnly ? withQuality(list) : list);
    return mergeRows(wide(pick(mine), series, '', value, error, byHardware), wide(pick(theirs), overlaySeries, OVERLAY_SUFFIX, value, error, byHardware));
  };
  const frontier = withQuality(mine)
    .filter((a) => a.passRate !== null && !a.remote) // NFE is unknown behind an API
    .map((a) => ({ series: seriesKey(a, '', byHardware), length: a.length, nfe: a.nfeMedian, latencyMs: a.latencyMedianMs, passRate: 100 * a.passRate! }));
  return {
    series,
    all,
    stepSeries: seriesOf(mine, '', false, false).filter((s) => s.engine !== 'autoregressive'),
    speedupSeries: all.filter((s) => s.engine !== 'autoregressive'),
    latency: rows(latencyOf, latencyWhisker),
    speedup: rows(speedupOf, speedupBand),
    passRate: rows(passPercent, passWhisker, true),
    frontier,
  };
}

/** Generated tokens per forward pass of the diffusion kinds, the median over runs, one column per engine × setting. */
export function tokensPerStep(runs: readonly ReportRun[], task: string): Row[] {
  const groups = new Map<string, number[]>();
  for (const r of runs) {
    if (r.engine === 'autoregressive' || r.taskId !== task || r.forwardPasses === 0) continue;
    const key = `${shortEngine(r.engine)} ${r.setting ?? 'default'}|${r.requestedLength}`;
    groups.set(key, [...(groups.get(key) ?? []), r.generatedTokens / r.forwardPasses]);
  }
  const rows = new Map<number, Row>();
  for (const [key, values] of groups) {
    const [setting, length] = key.split('|');
    const sorted = [...values].sort((a, b) => a - b);
    const row = rows.get(Number(length)) ?? { length: Number(length) };
    row[setting!] = sorted[Math.floor(sorted.length / 2)];
    rows.set(Number(length), row);
  }
  return [...rows.values()].sort(byLength);
}

export interface RunFilter {
  engine: string; // '' for all
  outcome: string; // '' | 'pass' | 'fail' | 'latency'
  search: string; // item, setting or output, case-insensitive
}

export function filterRuns(runs: readonly ReportRun[], { engine, outcome, search }: RunFilter): ReportRun[] {
  const needle = search.toLowerCase();
  return runs.filter(
    (r) =>
      (!engine || r.engine === engine) &&
      (!outcome || (outcome === 'pass' ? r.passed === true : outcome === 'fail' ? r.passed === false : r.latencyOnly)) &&
      (!search || `${r.itemId} ${r.setting} ${r.outputText}`.toLowerCase().includes(needle)),
  );
}

/** Which page is shown (a filter may leave fewer pages than the one asked for) and how many there are. */
export function pageOf(count: number, pageSize: number, requested: number): { at: number; pages: number } {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  return { at: Math.min(requested, pages - 1), pages };
}

export function passCell(r: Pick<ReportRun, 'latencyOnly' | 'passed'>): string {
  return r.latencyOnly ? 'latency-only' : r.passed === null ? '—' : r.passed ? '✓' : '✗';
}

/** The environment panel's rows: the machine, the software, and each model's checksum. */
export function environmentRows(report: Pick<ReportData, 'experiment' | 'runs'>, hardware: string): [string, string][] {
  const env = report.experiment.environment;
  const models = [...new Map(report.runs.map((r) => [r.modelId, r.modelSha256])).entries()];
  return [
    ['hardware', hardware],
    ['CPU', `${env.cpuModel} (${env.cpuCores} logical cores)`],
    ['GPU', env.gpuModel ?? 'none used'],
    ['execution provider', env.executionProvider],
    ['threads', String(env.threads ?? 'onnxruntime default')],
    ['OS', env.os],
    ['Node.js / onnxruntime-node', `${env.node} / ${env.onnxruntime}`],
    ['git', `${env.gitSha}${env.gitDirty ? ' (uncommitted changes)' : ''}`],
    ...models.map(([id, sha]): [string, string] => [`model ${id}`, sha]),
  ];
}
