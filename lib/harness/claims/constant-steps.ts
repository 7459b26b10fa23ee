// Claim 3, "denoising steps stay roughly constant as length grows": the forward passes (NFE) of the matched-
// quality diffusion setting with the fewest of them, against length, as a log–log slope (0 = constant,
// 1 = one pass per token like AR).
import type { ClaimEvidence, VerdictResult } from './types.ts';
import { logLogSlope } from './log-slope.ts';
import { combine, describeCell, matchedByLength, MIN_ITEMS, perTask } from './matched.ts';
import { MIN_LENGTHS } from './gap-widens.ts';

/** "Roughly constant": a 16× longer output needs at most 2× the passes (slope ≤ 0.25). */
export const ROUGHLY_CONSTANT_SLOPE = 0.25;

export function judgeConstantSteps({ aggregates }: ClaimEvidence): VerdictResult {
  const tasks = [...new Set(aggregates.filter((a) => !a.latencyOnly).map((a) => a.task))];
  const details: string[] = [];
  const series: VerdictResult['chart']['series'] = [];
  const parts = tasks.map((task) => {
    const lengths = matchedByLength(aggregates, task);
    const points = lengths.flatMap(({ length, enoughItems, matched }) => {
      const fewest = matched.filter((a) => a.remote === null).sort((x, y) => x.nfeMedian - y.nfeMedian)[0]; // NFE is unknown behind an API
      return enoughItems && fewest && fewest.nfeMedian > 0 ? [{ length, value: fewest.nfeMedian, label: describeCell(fewest) }] : [];
    });
    series.push({ key: `${task}: AR`, engine: 'autoregressive', points: lengths.flatMap(({ length, ar }) => (ar ? [{ length, value: ar.nfeMedian }] : [])) });
    series.push({ key: `${task}: matched diffusion`, engine: 'diffusion', points: points.map(({ length, value }) => ({ length, value })) });
    if (points.length < MIN_LENGTHS) {
      details.push(`${task}: matched quality (≥ ${MIN_ITEMS} items) at ${points.length} length${points.length === 1 ? '' : 's'}; a slope needs ${MIN_LENGTHS}`);
      return 'not enough evidence' as const;
    }
    const slope = logLogSlope(points.map((p) => ({ x: p.length, y: p.value })));
    details.push(`${task}: slope of ln NFE vs ln L = ${slope.toFixed(2)}; ${points.map((p) => `L=${p.length} NFE ${p.value} (${p.label})`).join(', ')}`);
    return slope <= ROUGHLY_CONSTANT_SLOPE ? ('holds' as const) : ('does not hold' as const);
  });
  const verdict = combine(parts);
  const summary =
    tasks.length === 0
      ? 'No runs stored.'
      : verdict === 'holds'
        ? `At matched quality the diffusion model's forward passes stay roughly flat as L grows (slope ≤ ${ROUGHLY_CONSTANT_SLOPE}).`
        : verdict === 'does not hold'
          ? `At matched quality the forward passes grow with L (slope above ${ROUGHLY_CONSTANT_SLOPE}) on at least one task.`
          : `Matched quality at fewer than ${MIN_LENGTHS} lengths on a task.`;
  const byTask = tasks.length > 1 ? ` (${perTask(tasks, parts)})` : '';
  return {
    verdict,
    summary: byTask ? `${summary.replace(/\.$/, '')}${byTask}.` : summary,
    details,
    chart: { title: 'Forward passes (NFE) vs length: AR and the matched diffusion setting with the fewest', yLabel: 'NFE (log)', logY: true, series },
  };
}
