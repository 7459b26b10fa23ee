// Claim 1, "about 5× faster at matched coding quality": per length, the fastest diffusion setting whose code
// pass rate matches AR's (matched.ts), and its paired speedup with the bootstrap interval.
import type { ClaimEvidence, VerdictResult } from './types.ts';
import { combine, describeCell, matchedByLength, MIN_ITEMS, pct, times } from './matched.ts';

export const CODE_TASK = 'code';
/** "About 5×": at least 4× (within 20% below 5×); faster than that still bears the claim out. */
export const ABOUT_FIVE_AT_LEAST = 4;

export function judgeFastAtMatchedQuality({ aggregates }: ClaimEvidence): VerdictResult {
  const lengths = matchedByLength(aggregates, CODE_TASK);
  const details: string[] = [];
  const points: { length: number; value: number; low: number; high: number }[] = [];
  const parts = lengths.map(({ length, ar, enoughItems, matched }) => {
    if (!ar || !enoughItems) {
      details.push(`L=${length}: fewer than ${MIN_ITEMS} code items per setting`);
      return 'not enough evidence' as const;
    }
    const best = matched[0];
    if (!best) {
      details.push(`L=${length}: no diffusion setting matches AR's ${pct(ar.passRate)} (n=${ar.runs})`);
      return 'does not hold' as const;
    }
    if (!best.speedup) {
      details.push(`L=${length}: ${describeCell(best)} matches AR but has no paired speedup`);
      return 'not enough evidence' as const;
    }
    const { median, interval } = best.speedup;
    points.push({ length, value: median, low: interval.low, high: interval.high });
    details.push(
      `L=${length}: ${describeCell(best)} ${pct(best.passRate)} vs AR ${pct(ar.passRate)} (n=${best.runs}), speedup ${times(median)} (95% CI ${times(interval.low)}–${times(interval.high)})`,
    );
    if (interval.low >= ABOUT_FIVE_AT_LEAST) return 'holds' as const;
    if (interval.high < ABOUT_FIVE_AT_LEAST) return 'does not hold' as const;
    return 'not enough evidence' as const;
  });
  const verdict = lengths.length === 0 ? 'not enough evidence' : combine(parts);
  const held = lengths.filter((_, i) => parts[i] === 'holds').map((l) => `L=${l.length}`);
  const summary =
    lengths.length === 0
      ? 'No code runs stored.'
      : verdict === 'holds'
        ? `At matched code pass rate, diffusion is at least ${ABOUT_FIVE_AT_LEAST}× faster at every length (${held.join(', ')}).`
        : verdict === 'does not hold'
          ? `Not at every length: ${held.length ? `≥ ${ABOUT_FIVE_AT_LEAST}× at ${held.join(', ')}, ` : ''}below ${ABOUT_FIVE_AT_LEAST}× or no matched setting at ${lengths
              .filter((_, i) => parts[i] === 'does not hold')
              .map((l) => `L=${l.length}`)
              .join(', ')}.`
          : `The speedup interval straddles ${ABOUT_FIVE_AT_LEAST}× or the cells have too few items at ${lengths
              .filter((_, i) => parts[i] === 'not enough evidence')
              .map((l) => `L=${l.length}`)
              .join(', ')}.`;
  return {
    verdict,
    summary,
    details,
    chart: {
      title: 'Speedup of the fastest matched-quality diffusion setting (code), bootstrap 95% CI',
      yLabel: '× (log)',
      logY: true,
      reference: { y: 5, label: '5×' },
      series: [{ key: 'matched diffusion', engine: 'diffusion', points }],
    },
  };
}
