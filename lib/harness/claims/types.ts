// What a claim check is: the article's sentence, the preset sweep that measures it, and a pure verdict over the
// cell statistics of that sweep's stored runs. Verdicts are recomputed whenever shown, never stored.
import type { Aggregate } from '../aggregate.ts';
import type { CanvasUse } from './canvas-use.ts';

export const VERDICTS = ['holds', 'does not hold', 'not enough evidence'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What a verdict function reads: the aggregates of one experiment (and, for the canvas claim, its canvas use). */
export interface ClaimEvidence {
  aggregates: readonly Aggregate[];
  canvas?: readonly CanvasUse[];
  blockSide?: { usable: boolean; reason: string | null }; // the canvas claim: whether a block-diffusion model could be measured
}

/** One series of the chart that decides a claim: one value per length, with an optional interval. */
export interface ClaimSeries {
  key: string;
  engine: 'autoregressive' | 'diffusion' | 'block_diffusion';
  points: { length: number; value: number; low?: number; high?: number }[];
}

export interface ClaimChart {
  title: string;
  yLabel: string;
  logY: boolean;
  reference?: { y: number; label: string }; // e.g. the 5× line
  series: ClaimSeries[];
}

export interface VerdictResult {
  verdict: Verdict;
  summary: string; // one sentence with the deciding numbers
  details: string[]; // per length / task, the numbers behind it
  chart: ClaimChart;
}

export interface ClaimDefinition {
  id: string; // stable, used in experiment titles ("claim <id>: …") and URLs
  number: number;
  quote: string; // the article's words
  tests: string; // how this app checks it, in one sentence
  preset: Record<string, unknown>; // a `dlm bench` spec (raw JSON), models filled in at run time
  judge: (evidence: ClaimEvidence) => VerdictResult;
}
