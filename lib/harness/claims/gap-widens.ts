// Claim 2, "the gap widens at longer outputs": the slope of ln(speedup) against ln(length) for the fastest
// matched-quality diffusion setting at each length, with a bootstrap interval, and the length where the
// speedup stops rising (where it turns).
import type { ClaimEvidence, VerdictResult } from './types.ts';
import { logLogSlope, logLogSlopeInterval } from './log-slope.ts';
import { combine, describeCell, matchedByLength, MIN_ITEMS, perTask, times } from './matched.ts';

/** A slope below this (doubling the length raises the speedup by under 7%) is no widening. */
export const NO_WIDENING_BELOW = 0.1;
export const MIN_LENGTHS = 3;

type Point = { length: number; value: number; low: number; high: number; label: string };

/** Where the speedup curve turns: the length of its highest median, described against the lengths measured. */
export function turningPoint(points: readonly Point[]): string {
  if (points.length < 2) return 'one length only';
  let peak = 0;
  points.forEach((p, i) => p.value > points[peak]!.value && (peak = i));
  if (peak === points.length - 1) return `still rising at the longest length measured (L=${points[peak]!.length})`;
  if (peak === 0) return `highest at the shortest length (L=${points[0]!.length}) and falls after it`;
  return `peaks at L=${points[peak]!.length} (${times(points[peak]!.value)}), then falls`;
}

export function judgeGapWidens({ aggregates }: ClaimEvidence): VerdictResult {
  const tasks = [...new Set(aggregates.filter((a) => !a.latencyOnly).map((a) => a.task))];
  const details: string[] = [];
  const series: VerdictResult['chart']['series'] = [];
  const parts = tasks.map((task) => {
    const points: Point[] = matchedByLength(aggregates, task).flatMap(({ length, enoughItems, matched }) => {
      const best = matched[0];
      return enoughItems && best?.speedup
        ? [{ length, value: best.speedup.median, low: best.speedup.interval.low, high: best.speedup.interval.high, label: describeCell(best) }]
        : [];
    });
    series.push({ key: `${task}: matched diffusion`, engine: 'diffusion', points: points.map(({ label: _l, ...p }) => p) });
    if (points.length < MIN_LENGTHS) {
      details.push(`${task}: matched quality (≥ ${MIN_ITEMS} items) at ${points.length} length${points.length === 1 ? '' : 's'}; a slope needs ${MIN_LENGTHS}`);
      return 'not enough evidence' as const;
    }
    const fit = points.map((p) => ({ x: p.length, y: p.value, low: p.low, high: p.high }));
    const slope = logLogSlope(fit);
    const interval = logLogSlopeInterval(fit);
    details.push(
      `${task}: slope of ln speedup vs ln L = ${slope.toFixed(2)} (95% CI ${interval.low.toFixed(2)} to ${interval.high.toFixed(2)}); ${points.map((p) => `L=${p.length} ${times(p.value)} (${p.label})`).join(', ')}; ${turningPoint(points)}`,
    );
    if (interval.low > 0) return 'holds' as const;
    if (interval.high < NO_WIDENING_BELOW) return 'does not hold' as const;
    return 'not enough evidence' as const;
  });
  const verdict = combine(parts);
  const summary =
    tasks.length === 0
      ? 'No runs stored.'
      : verdict === 'holds'
        ? 'At matched quality the speedup grows with output length (slope interval above 0).'
        : verdict === 'does not hold'
          ? `At matched quality the speedup does not grow with length (slope interval below ${NO_WIDENING_BELOW}).`
          : `Too few matched lengths, or a slope interval that includes both 0 and ${NO_WIDENING_BELOW}.`;
  const byTask = tasks.length > 1 ? ` (${perTask(tasks, parts)})` : '';
  return {
    verdict,
    summary: byTask ? `${summary.replace(/\.$/, '')}${byTask}.` : summary,
    details,
    chart: {
      title: 'Speedup vs length at matched quality (log–log), bootstrap 95% CI',
      yLabel: '× (log)',
      logY: true,
      reference: { y: 1, label: '1×' },
      series,
    },
  };
}
