// Claim 4, "output length must be fixed in advance": with answers of unknown length under one budget L, the
// full-canvas diffusion model lays out all L positions and computes the <eos> filling after the answer's end at
// every step, so its waste grows with the budget; block diffusion stops after the block that ends the answer.
// Decided at the largest budget measured (where fixing the length costs most), only when block decoding's answers
// are about as good (a decoder that stops early on wrong answers proves nothing); every budget is shown.
import type { ClaimEvidence, VerdictResult } from './types.ts';
import type { CanvasUse } from './canvas-use.ts';
import { MIN_ITEMS, pct } from './matched.ts';
import { wilsonInterval } from '../stats.ts';

/** Waste that makes fixing the length in advance a real cost: a quarter of the canvas or more. */
export const COSTLY_WASTE = 0.25;
/** Block decoding avoids the cost when it lays out at most half as many positions after the answer. */
export const BLOCK_AVOIDS_AT = 0.5;

const LABELS: Record<string, string> = { autoregressive: 'AR', diffusion: 'full-canvas diffusion', block_diffusion: 'block diffusion' };

/** The cell with the most runs (one setting per engine and budget in the preset; the largest if several). */
const widest = (cells: readonly CanvasUse[]): CanvasUse | undefined => [...cells].sort((a, b) => b.runs - a.runs)[0];

/** Block decoding's answers clearly worse (Wilson intervals apart): its early stops are not comparable. */
function qualityApart(block: CanvasUse, full: CanvasUse): boolean {
  const b = wilsonInterval(block.passed, block.runs);
  const f = wilsonInterval(full.passed, full.runs);
  return b.high < f.low;
}

const describe = (c: CanvasUse) =>
  `${LABELS[c.engine] ?? c.engine} lays out ${c.laidOutMedian}, ${c.wastedPositionsMedian} (${pct(c.wastedFractionMedian)}) after the answer (median answer ${c.answerTokensMedian} token${c.answerTokensMedian === 1 ? '' : 's'}, ${c.wastedPositionPassesMedian} position-passes wasted, n=${c.runs}, pass ${pct(c.passRate)})`;

export function judgeFixedLength({ canvas = [], blockSide }: ClaimEvidence): VerdictResult {
  const cellAt = (engine: string, length: number) => widest(canvas.filter((c) => c.engine === engine && c.length === length));
  const lengths = [...new Set(canvas.filter((c) => c.engine === 'diffusion').map((c) => c.length))].sort((a, b) => a - b);
  const hasBlock = canvas.some((c) => c.engine === 'block_diffusion');
  const blockMissing = hasBlock
    ? null
    : blockSide && !blockSide.usable
      ? (blockSide.reason ?? 'no block-diffusion model')
      : 'no block-diffusion runs stored in this experiment';
  const details = lengths.map((L) => `L=${L}: ${[cellAt('diffusion', L)!, cellAt('block_diffusion', L)].flatMap((c) => (c ? [describe(c)] : [])).join('; ')}`);
  if (blockMissing) details.unshift(`block side: not enough evidence: ${blockMissing}`);
  const chart: VerdictResult['chart'] = {
    title: 'Positions laid out after the answer’s end vs the budget L (median)',
    yLabel: 'positions',
    logY: false,
    series: (['autoregressive', 'diffusion', 'block_diffusion'] as const).flatMap((engine) => {
      const points = lengths.flatMap((L) => {
        const c = cellAt(engine, L);
        return c ? [{ length: L, value: c.wastedPositionsMedian }] : [];
      });
      return points.length ? [{ key: LABELS[engine]!, engine, points }] : [];
    }),
  };
  const budget = lengths.at(-1);
  const full = budget === undefined ? undefined : cellAt('diffusion', budget)!;
  const block = budget === undefined ? undefined : cellAt('block_diffusion', budget);
  let verdict: VerdictResult['verdict'];
  let summary: string;
  if (!full) {
    verdict = 'not enough evidence';
    summary = 'No full-canvas diffusion runs stored.';
  } else if (full.runs < MIN_ITEMS || (block && block.runs < MIN_ITEMS)) {
    verdict = 'not enough evidence';
    summary = `Fewer than ${MIN_ITEMS} runs at the largest budget (L=${budget}).`;
  } else if (full.wastedFractionMedian < COSTLY_WASTE) {
    verdict = 'does not hold';
    summary = `At L=${budget} the full canvas spends only ${pct(full.wastedFractionMedian)} of its positions after the answer (under ${pct(COSTLY_WASTE)}).`;
  } else if (!block) {
    verdict = 'not enough evidence';
    summary = `At L=${budget} the full canvas spends ${pct(full.wastedFractionMedian)} of its positions (${full.wastedPositionsMedian}) after the answer; the block side has no evidence (${blockMissing ?? `no block-diffusion cell at L=${budget}`}).`;
  } else if (qualityApart(block, full)) {
    verdict = 'not enough evidence';
    summary = `At L=${budget} block decoding passes ${pct(block.passRate)} against the full canvas's ${pct(full.passRate)}: where a wrong answer stops says nothing about the cost of fixing the length.`;
  } else {
    const avoids = block.wastedPositionsMedian <= BLOCK_AVOIDS_AT * full.wastedPositionsMedian;
    verdict = avoids ? 'holds' : 'does not hold';
    summary = `At L=${budget} the full canvas lays out ${full.wastedPositionsMedian} positions after the answer (${pct(full.wastedFractionMedian)}); block decoding ${block.wastedPositionsMedian}${avoids ? ', stopping at the end' : `, not under ${pct(BLOCK_AVOIDS_AT)} of that`}.`;
  }
  return { verdict, summary, details, chart };
}
