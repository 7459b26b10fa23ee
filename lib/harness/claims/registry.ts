// The article's claims (context: the Gemini Diffusion article in the README's "Claims" section), each with the
// sweep that measures it on this machine and the verdict over that sweep's stored runs. The presets are sized
// so that all five run in about 12 minutes on a 2-core CPU with the bundled pair (measured: see README).
import { judgeConstantSteps } from './constant-steps.ts';
import { judgeFastAtMatchedQuality } from './fast-at-matched-quality.ts';
import { judgeFixedLength } from './fixed-length.ts';
import { judgeGapWidens } from './gap-widens.ts';
import { MIN_ITEMS } from './matched.ts';
import { judgeSequentialReasoning } from './sequential-reasoning.ts';
import type { ClaimDefinition } from './types.ts';

// Shared by every preset: one thread (the same for both engines), one warm-up, item seed 0.
const COMMON = { itemsPerLength: MIN_ITEMS, threads: 1, warmup: 1, repeats: 1, seed: 0 } as const;

export const CLAIMS: readonly ClaimDefinition[] = [
  {
    id: 'fast-at-matched-quality',
    number: 1,
    quote: 'About 5× faster at matched coding quality.',
    tests:
      'Code tasks at L = 8, 16, 32: the fastest diffusion setting whose pass rate is within 2 points of AR’s (Wilson intervals overlapping), and its paired speedup.',
    preset: { ...COMMON, tasks: ['code'], lengths: [8, 16, 32], diffusion: [{ steps: ['L', 'L/2'] }, { threshold: 0.9 }] },
    judge: judgeFastAtMatchedQuality,
  },
  {
    id: 'gap-widens',
    number: 2,
    quote: 'The gap widens at longer outputs.',
    tests:
      'Copy at L = 16 to 128: slope of ln speedup against ln L for the fastest matched-quality setting, with a bootstrap interval, and where the speedup turns.',
    preset: { ...COMMON, tasks: ['copy'], lengths: [16, 32, 64, 128], diffusion: [{ steps: 'L/4' }, { threshold: 0.9 }] },
    judge: judgeGapWidens,
  },
  {
    id: 'constant-steps',
    number: 3,
    quote: 'Denoising steps stay roughly constant as length grows.',
    tests: 'Reverse and sort at L = 16, 32, 64: forward passes (NFE) of the matched-quality setting with the fewest, against L.',
    preset: { ...COMMON, tasks: ['reverse', 'sort'], lengths: [16, 32, 64], diffusion: [{ steps: 'L' }, { threshold: 0.9 }] },
    judge: judgeConstantSteps,
  },
  {
    id: 'fixed-length',
    number: 4,
    quote: 'Output length must be fixed in advance.',
    tests:
      'Copy answers of mixed lengths under one budget L = 32, 64, 128: canvas positions after the answer’s end that the full-canvas model still computed, against block decoding that stops after the block with <eos>.',
    preset: { ...COMMON, tasks: ['copy'], lengths: [32, 64, 128], itemLengths: 'mixed', diffusion: { threshold: 0.9 } },
    judge: judgeFixedLength,
  },
  {
    id: 'sequential-reasoning',
    number: 5,
    quote: 'Weaker on strict sequential reasoning.',
    tests: 'Pass-rate gap (diffusion steps = L − AR) on sort, add and expand next to copy and reverse, at L = 16 and 32.',
    preset: { ...COMMON, tasks: ['copy', 'reverse', 'sort', 'add', 'expand'], lengths: [16, 32], diffusion: { steps: 'L' } },
    judge: judgeSequentialReasoning,
  },
];

export const CLAIM_IDS = CLAIMS.map((c) => c.id);

export function findClaim(id: string): ClaimDefinition | undefined {
  return CLAIMS.find((c) => c.id === id);
}

/** The experiment-title tag that marks a claim's preset sweep: "claim <id>: …". */
export const claimTitlePrefix = (id: string) => `claim ${id}: `;

/** The claim a stored experiment title belongs to, or null. */
export function claimOfTitle(title: string): string | null {
  return CLAIM_IDS.find((id) => title.startsWith(claimTitlePrefix(id))) ?? null;
}

export interface PresetModels {
  autoregressive?: string;
  diffusion?: string;
  blockDiffusion?: string | null; // the canvas claim's block series, when a block-diffusion model is usable
}

/** A claim's preset as a `dlm bench` spec (raw JSON, as the sweep stores it), for the given models. */
export function presetSpec(claim: ClaimDefinition, models: PresetModels = {}): Record<string, unknown> {
  const chosen: Record<string, string> = {};
  if (models.autoregressive) chosen.autoregressive = models.autoregressive;
  if (models.diffusion) chosen.diffusion = models.diffusion;
  const spec: Record<string, unknown> = { title: `${claimTitlePrefix(claim.id)}${claim.quote}`, ...claim.preset };
  if (claim.id === 'fixed-length' && models.blockDiffusion) {
    chosen.block_diffusion = models.blockDiffusion;
    spec.blockDiffusion = claim.preset.diffusion; // the same decoding rule on both diffusion sides
  }
  if (Object.keys(chosen).length > 0) spec.models = chosen;
  return spec;
}
