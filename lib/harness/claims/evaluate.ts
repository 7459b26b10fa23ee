// Verdicts as shown: for each claim, the newest stored experiment of its preset (optionally for given models),
// its runs' statistics, and the verdict computed from them now, with where the numbers came from.
import { type Experiment, type ExperimentSummary, listExperimentsByTitlePrefix } from '../../db/experiments.ts';
import { listRunsOfExperiment, type Run } from '../../db/runs.ts';
import { findModel } from '../../models/discover.ts';
import { aggregateRuns } from '../aggregate.ts';
import { BUNDLED_BLOCK_DIFFUSION_MODEL_ID } from '../bundled-models.ts';
import { shareUrl } from '../report.ts';
import { sweepCellTotal } from '../sweep.ts';
import { canvasUse } from './canvas-use.ts';
import { CLAIMS, claimTitlePrefix, type PresetModels, presetSpec } from './registry.ts';
import type { ClaimDefinition, ClaimEvidence, VerdictResult } from './types.ts';

export interface ClaimSource {
  experimentId: string;
  slug: string;
  shareUrl: string;
  title: string;
  status: string;
  createdAt: string;
  runs: number;
  cells: number | null; // runs the preset has in all (null when its spec no longer parses)
  hardware: string; // where it was measured: "CPU (…)" or the GPU provider
  models: { engine: string; id: string; where: string }[]; // where: "local" or "remote, network included (host)"
}

export interface ClaimReport extends VerdictResult {
  id: string;
  number: number;
  quote: string;
  tests: string;
  preset: Record<string, unknown>; // the spec "run this here" starts
  source: ClaimSource | null; // null: never run
  newer: { experimentId: string; status: string; runs: number } | null; // a newer experiment not finished (not used)
}

export function hardwareLabel(environment: Experiment['environment']): string {
  return environment.executionProvider === 'cpu'
    ? `CPU (${environment.cpuModel}, ${environment.threads ?? 'default'} thread${environment.threads === 1 ? '' : 's'})`
    : `GPU ${environment.gpuModel ?? ''} (${environment.executionProvider})`.replace('  ', ' ');
}

/** Whether a block-diffusion model can be measured here, and why not. */
export async function blockModelStatus(
  id = BUNDLED_BLOCK_DIFFUSION_MODEL_ID,
): Promise<{ id: string; usable: boolean; reason: string | null; blockSize: number | null }> {
  try {
    const info = await findModel(id);
    if (info.decoding !== 'block_diffusion') return { id, usable: false, reason: `model "${id}" is not a block-diffusion model`, blockSize: null };
    if (info.problems.length > 0) return { id, usable: false, reason: `model "${id}" cannot be used: ${info.problems.join('; ')}`, blockSize: null };
    return { id, usable: true, reason: null, blockSize: info.blockSize };
  } catch {
    return { id, usable: false, reason: `no block-diffusion model "${id}" under models/ (its folder is not there yet)`, blockSize: null };
  }
}

/** The experiment's models, from the spec it stored, keyed by engine. */
function modelsOf(experiment: Experiment): Record<string, string> {
  const models = (experiment.config as { models?: Record<string, { id?: string }> } | null)?.models ?? {};
  return Object.fromEntries(Object.entries(models).flatMap(([engine, m]) => (m?.id ? [[engine, m.id]] : [])));
}

/**
 * The experiment a claim's verdict comes from: the newest finished one of its preset (for the given models when
 * named, any otherwise), else the newest of any status; and a newer one that has not finished, if any.
 */
export async function newestClaimExperiment(
  claim: ClaimDefinition,
  models: PresetModels = {},
): Promise<{ chosen: ExperimentSummary | null; newer: ExperimentSummary | null }> {
  const found = (await listExperimentsByTitlePrefix(claimTitlePrefix(claim.id))).filter((e) => {
    const stored = modelsOf(e);
    return (!models.autoregressive || stored.autoregressive === models.autoregressive) && (!models.diffusion || stored.diffusion === models.diffusion);
  });
  const chosen = found.find((e) => e.status === 'finished') ?? found[0] ?? null;
  const newer = chosen && found[0] !== chosen ? found[0]! : null;
  return { chosen, newer };
}

function sourceOf(experiment: ExperimentSummary, runs: readonly Run[]): ClaimSource {
  const seen = new Map<string, ClaimSource['models'][number]>();
  for (const r of runs)
    if (!seen.has(`${r.engine}|${r.modelId}`))
      seen.set(`${r.engine}|${r.modelId}`, {
        engine: r.engine,
        id: r.modelId,
        where: r.remote ? `remote, network included (${r.host ?? 'unknown host'})` : 'local',
      });
  return {
    experimentId: experiment.id,
    slug: experiment.slug,
    shareUrl: shareUrl(experiment.slug),
    title: experiment.title,
    status: experiment.status,
    createdAt: experiment.createdAt.toISOString(),
    runs: experiment.runCount,
    cells: sweepCellTotal(experiment.config),
    hardware: hardwareLabel(experiment.environment),
    models: [...seen.values()],
  };
}

/** Every claim's verdict, recomputed from the stored runs of its newest preset experiment. */
export async function claimReports(models: PresetModels = {}): Promise<ClaimReport[]> {
  const block = await blockModelStatus(models.blockDiffusion ?? undefined);
  return Promise.all(
    CLAIMS.map(async (claim) => {
      const { chosen: experiment, newer } = await newestClaimExperiment(claim, models);
      const runs = experiment ? await listRunsOfExperiment(experiment.id) : [];
      const blockSizes = new Map<string, number | null>();
      for (const id of new Set(runs.filter((r) => r.engine === 'block_diffusion').map((r) => r.modelId))) {
        blockSizes.set(id, (await findModel(id).catch(() => null))?.blockSize ?? null);
      }
      const evidence: ClaimEvidence = {
        aggregates: aggregateRuns(runs),
        canvas: canvasUse(runs, (id) => blockSizes.get(id) ?? null),
        blockSide: { usable: block.usable, reason: block.reason },
      };
      const verdict: VerdictResult = experiment
        ? claim.judge(evidence)
        : {
            ...claim.judge(evidence),
            verdict: 'not enough evidence',
            summary: 'Not run yet on this machine: run its preset (dlm claims --run, or "Run this here").',
          };
      return {
        id: claim.id,
        number: claim.number,
        quote: claim.quote,
        tests: claim.tests,
        preset: presetSpec(claim, { ...models, blockDiffusion: block.usable ? block.id : null }),
        source: experiment ? sourceOf(experiment, runs) : null,
        newer: newer ? { experimentId: newer.id, status: newer.status, runs: newer.runCount } : null,
        ...verdict,
      };
    }),
  );
}
