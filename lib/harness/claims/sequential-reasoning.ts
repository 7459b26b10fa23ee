// Claim 5, "weaker on strict sequential reasoning": the pass-rate gap (diffusion − AR) on order-dependent tasks
// (sort, add, expand: each output token depends on a running computation over the input) next to the same gap on
// copy and reverse (each output token is one input token), per task and length.
import type { Aggregate } from '../aggregate.ts';
import type { ClaimEvidence, VerdictResult } from './types.ts';
import { arCell, diffusionCells, itemsOf, MIN_ITEMS, pct } from './matched.ts';

export const ORDER_DEPENDENT_TASKS = ['sort', 'add', 'expand'] as const;
export const CONTROL_TASKS = ['copy', 'reverse'] as const;
/** How much worse (in pass-rate points) the order-dependent gap must be than the control gap. */
export const WEAKER_BY = 0.1;
/** A cell where both engines pass less than this says nothing about which is weaker. */
export const INFORMATIVE_PASS = 0.2;

interface Gap {
  task: string;
  length: number;
  ar: Aggregate;
  diffusion: Aggregate;
  gap: number;
  significant: boolean; // diffusion's Wilson interval lies wholly below AR's
}

function gapsOf(aggregates: readonly Aggregate[], tasks: readonly string[]): Gap[] {
  return aggregates
    .filter((a) => a.engine === 'autoregressive' && tasks.includes(a.task) && !a.latencyOnly && a.passRate !== null)
    .flatMap((a) => {
      const ar = arCell(aggregates, a.task, a.length);
      if (ar !== a) return []; // one AR reference per cell
      // The diffusion setting with the best pass rate: the model's strongest showing on this cell.
      const best = diffusionCells(aggregates, a.task, a.length)
        .filter((d) => d.passRate !== null)
        .sort((x, y) => y.passRate! - x.passRate!)[0];
      if (!best) return [];
      return [
        {
          task: a.task,
          length: a.length,
          ar,
          diffusion: best,
          gap: best.passRate! - ar.passRate!,
          significant: best.passRateInterval!.high < ar.passRateInterval!.low,
        },
      ];
    });
}

const informative = (g: Gap) => Math.max(g.ar.passRate!, g.diffusion.passRate!) >= INFORMATIVE_PASS;
const enough = (g: Gap) => itemsOf(g.ar) >= MIN_ITEMS && itemsOf(g.diffusion) >= MIN_ITEMS;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const points = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)} pts`;

export function judgeSequentialReasoning({ aggregates }: ClaimEvidence): VerdictResult {
  const order = gapsOf(aggregates, ORDER_DEPENDENT_TASKS);
  const control = gapsOf(aggregates, CONTROL_TASKS);
  const details = [...order, ...control]
    .sort((a, b) => a.length - b.length || a.task.localeCompare(b.task))
    .map(
      (g) =>
        `L=${g.length} ${g.task}: diffusion ${g.diffusion.setting} ${pct(g.diffusion.passRate)} vs AR ${pct(g.ar.passRate)} (n=${g.ar.runs}) → ${points(g.gap)}${g.significant ? ', intervals apart' : ''}${informative(g) ? '' : ' (both near 0: not counted)'}`,
    );
  const usable = (gaps: Gap[]) => gaps.filter((g) => enough(g) && informative(g));
  const orderUsed = usable(order);
  const controlUsed = usable(control);
  let verdict: VerdictResult['verdict'];
  let summary: string;
  if ([...order, ...control].some((g) => !enough(g)) || orderUsed.length === 0 || controlUsed.length === 0) {
    verdict = 'not enough evidence';
    summary = `Needs ≥ ${MIN_ITEMS} items per cell and cells where either engine passes ≥ ${pct(INFORMATIVE_PASS)} on both order-dependent and control tasks (have ${orderUsed.length} and ${controlUsed.length}).`;
  } else {
    const orderGap = mean(orderUsed.map((g) => g.gap));
    const controlGap = mean(controlUsed.map((g) => g.gap));
    const significant = orderUsed.filter((g) => g.significant);
    const weaker = orderGap - controlGap <= -WEAKER_BY;
    verdict = weaker && significant.length > 0 ? 'holds' : weaker ? 'not enough evidence' : 'does not hold';
    summary = `Mean gap ${points(orderGap)} on order-dependent tasks vs ${points(controlGap)} on copy/reverse (difference ${points(orderGap - controlGap)}; needs ≤ −${(WEAKER_BY * 100).toFixed(0)} pts with at least one cell whose intervals are apart: ${significant.length}).`;
  }
  const tasks = [...new Set([...order, ...control].map((g) => g.task))];
  const series = tasks.map((task) => ({
    key: task,
    engine: 'diffusion' as const,
    points: [...order, ...control].filter((g) => g.task === task).map((g) => ({ length: g.length, value: 100 * g.gap })),
  }));
  return {
    verdict,
    summary,
    details,
    chart: { title: 'Pass-rate gap, diffusion − AR (points), per task', yLabel: 'points', logY: false, reference: { y: 0, label: 'equal' }, series },
  };
}
