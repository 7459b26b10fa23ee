// "Matched quality", declared once for every claim that needs it: a diffusion setting whose pass rate is within
// MATCH_POINTS of AR's on the same task and length, and whose Wilson interval overlaps AR's, each on at least
// MIN_ITEMS items (fewer cannot tell a 2-point difference from noise at all).
import type { Aggregate } from '../aggregate.ts';

export const MIN_ITEMS = 30;
export const MATCH_POINTS = 0.02;

const isDiffusionKind = (engine: string) => engine === 'diffusion' || engine === 'block_diffusion';

/** Items behind a quality cell (every sweep run of a quality cell has a pass result). */
export const itemsOf = (a: Aggregate) => (a.latencyOnly || a.passRate === null ? 0 : a.runs);

/** The AR cell of a task and length: the first AR setting stored, the one speedups are paired against. */
export function arCell(aggregates: readonly Aggregate[], task: string, length: number): Aggregate | undefined {
  return aggregates.find((a) => a.engine === 'autoregressive' && a.task === task && a.length === length && !a.latencyOnly);
}

export function diffusionCells(aggregates: readonly Aggregate[], task: string, length: number): Aggregate[] {
  return aggregates.filter((a) => isDiffusionKind(a.engine) && a.task === task && a.length === length && !a.latencyOnly);
}

export function matchesQuality(diffusion: Aggregate, ar: Aggregate): boolean {
  if (diffusion.passRate === null || ar.passRate === null || !diffusion.passRateInterval || !ar.passRateInterval) return false;
  const overlap = diffusion.passRateInterval.low <= ar.passRateInterval.high && ar.passRateInterval.low <= diffusion.passRateInterval.high;
  return Math.abs(diffusion.passRate - ar.passRate) <= MATCH_POINTS + 1e-9 && overlap;
}

export interface LengthMatch {
  length: number;
  ar: Aggregate | undefined;
  enoughItems: boolean; // AR and every diffusion setting have MIN_ITEMS items
  matched: Aggregate[]; // diffusion settings at matched quality, fastest (highest speedup) first
}

/** Per length of `task` (ascending): which diffusion settings match AR's quality. */
export function matchedByLength(aggregates: readonly Aggregate[], task: string): LengthMatch[] {
  const lengths = [...new Set(aggregates.filter((a) => a.task === task && !a.latencyOnly).map((a) => a.length))].sort((x, y) => x - y);
  return lengths.map((length) => {
    const ar = arCell(aggregates, task, length);
    const candidates = diffusionCells(aggregates, task, length);
    const enoughItems = ar !== undefined && itemsOf(ar) >= MIN_ITEMS && candidates.length > 0 && candidates.every((d) => itemsOf(d) >= MIN_ITEMS);
    const matched = ar ? candidates.filter((d) => matchesQuality(d, ar)).sort((x, y) => (y.speedup?.median ?? 0) - (x.speedup?.median ?? 0)) : [];
    return { length, ar, enoughItems, matched };
  });
}

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(0)}%`);
export const times = (v: number) => `${v.toFixed(2)}×`;
export const describeCell = (a: Aggregate) =>
  `${a.engine === 'autoregressive' ? 'AR' : a.engine === 'block_diffusion' ? 'block diffusion' : 'diffusion'} ${a.setting}`;

/** Overall verdict from per-part verdicts: any part that fails decides, then any part without evidence. */
export function combine(parts: readonly ('holds' | 'does not hold' | 'not enough evidence')[]): 'holds' | 'does not hold' | 'not enough evidence' {
  if (parts.length === 0) return 'not enough evidence';
  if (parts.includes('does not hold')) return 'does not hold';
  if (parts.includes('not enough evidence')) return 'not enough evidence';
  return 'holds';
}

/** "reverse: holds; sort: not enough evidence": each task's part of a verdict, for claims checked per task. */
export const perTask = (tasks: readonly string[], parts: readonly string[]) => tasks.map((t, i) => `${t}: ${parts[i]}`).join('; ');
