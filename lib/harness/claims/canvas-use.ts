// How much of the output canvas each decoder laid out beyond the answer, per engine × model × setting × task ×
// length (computed from stored runs, like aggregateRuns). A full-canvas diffusion model lays out all L
// positions and computes every one of them at every step, so positions after the answer's end are filled with
// <eos> at full cost; block diffusion stops after the block that settles <eos>; AR stops at <eos>.
import type { Run } from '../../db/runs.ts';
import { median } from '../stats.ts';

export interface CanvasUse {
  engine: string;
  model: string;
  setting: string;
  task: string;
  length: number; // the canvas (full canvas) or cap (block, AR) asked for
  runs: number;
  answerTokensMedian: number;
  laidOutMedian: number; // positions the decoder laid out
  wastedPositionsMedian: number; // positions laid out after the answer's end, median over runs
  wastedFractionMedian: number; // those ÷ positions laid out, median over runs
  wastedPositionPassesMedian: number; // those positions × forward passes: the work spent on them
  passed: number; // runs whose answer passed its check
  passRate: number | null;
}

/** Positions one run laid out; null when unknown (a block model whose block size cannot be found). */
export function laidOut(run: Pick<Run, 'engine' | 'requestedLength' | 'generatedTokens'>, blockSize: number | null): number | null {
  const withEos = Math.min(run.generatedTokens + 1, run.requestedLength);
  if (run.engine === 'diffusion') return run.requestedLength;
  if (run.engine === 'block_diffusion') {
    if (blockSize === null) return null;
    return Math.min(Math.ceil(withEos / blockSize), Math.ceil(run.requestedLength / blockSize)) * blockSize;
  }
  return withEos; // AR: one position per token decoded, <eos> included
}

export function canvasUse(runs: readonly Run[], blockSizeOf: (modelId: string) => number | null): CanvasUse[] {
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    if (r.latencyOnly || r.failure !== null || r.remote) continue; // a remote model's canvas is not observable
    const key = `${r.engine}|${r.modelId}|${r.setting ?? ''}|${r.taskId ?? ''}|${r.requestedLength}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const cells: CanvasUse[] = [];
  for (const members of groups.values()) {
    const first = members[0]!;
    const measured = members.flatMap((r) => {
      const positions = laidOut(r, r.engine === 'block_diffusion' ? blockSizeOf(r.modelId) : null);
      if (positions === null) return [];
      const wasted = Math.max(0, positions - r.generatedTokens);
      return [{ positions, wasted, passes: r.forwardPasses, answer: r.generatedTokens }];
    });
    if (measured.length === 0) continue;
    const quality = members.filter((r) => r.passed !== null);
    cells.push({
      engine: first.engine,
      model: first.modelId,
      setting: first.setting ?? '',
      task: first.taskId ?? '',
      length: first.requestedLength,
      runs: measured.length,
      answerTokensMedian: median(measured.map((m) => m.answer)),
      laidOutMedian: median(measured.map((m) => m.positions)),
      wastedPositionsMedian: median(measured.map((m) => m.wasted)),
      wastedFractionMedian: median(measured.map((m) => m.wasted / m.positions)),
      wastedPositionPassesMedian: median(measured.map((m) => m.wasted * m.passes)),
      passed: quality.filter((r) => r.passed).length,
      passRate: quality.length === 0 ? null : quality.filter((r) => r.passed).length / quality.length,
    });
  }
  return cells.sort((a, b) => a.length - b.length || a.task.localeCompare(b.task) || a.engine.localeCompare(b.engine));
}
