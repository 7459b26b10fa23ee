// `dlm claims --run`: runs each claim's preset that has no complete stored experiment yet. An experiment counts
// when its stored spec is the preset as it stands now (same models, sizes and series); one that stopped part-way
// is resumed (only its missing cells run), as `dlm bench --resume` does.
import { listExperimentsByTitlePrefix } from '../../db/experiments.ts';
import { resumeSweep, startSweep, type SweepOptions } from '../sweep.ts';
import { blockModelStatus } from './evaluate.ts';
import { CLAIMS, claimTitlePrefix, type PresetModels, presetSpec } from './registry.ts';
import type { ClaimDefinition } from './types.ts';

export type ClaimRunAction = { claim: ClaimDefinition; action: 'stored' | 'started' | 'resumed' | 'running elsewhere'; experimentId: string | null };

const sameSpec = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What --run would do for one claim: the stored experiment of its current preset, if any. */
export async function presetState(claim: ClaimDefinition, spec: Record<string, unknown>) {
  const found = await listExperimentsByTitlePrefix(claimTitlePrefix(claim.id), 50);
  return found.find((e) => e.kind === 'sweep' && sameSpec((e.config as { spec?: unknown } | null)?.spec, spec)) ?? null;
}

export async function runMissingClaims(
  models: PresetModels,
  options: { sweep?: (claim: ClaimDefinition) => SweepOptions; onAction?: (action: ClaimRunAction) => void } = {},
): Promise<ClaimRunAction[]> {
  const block = await blockModelStatus(models.blockDiffusion ?? undefined);
  const actions: ClaimRunAction[] = [];
  for (const claim of CLAIMS) {
    const spec = presetSpec(claim, { ...models, blockDiffusion: block.usable ? block.id : null });
    const stored = await presetState(claim, spec);
    let action: ClaimRunAction;
    if (stored?.status === 'finished') action = { claim, action: 'stored', experimentId: stored.id };
    else if (stored?.status === 'running') action = { claim, action: 'running elsewhere', experimentId: stored.id };
    else {
      options.onAction?.({ claim, action: stored ? 'resumed' : 'started', experimentId: stored?.id ?? null });
      const outcome = stored ? await resumeSweep(stored.id, options.sweep?.(claim)) : await startSweep(spec, options.sweep?.(claim));
      actions.push({ claim, action: stored ? 'resumed' : 'started', experimentId: outcome.experiment.id });
      continue;
    }
    options.onAction?.(action);
    actions.push(action);
  }
  return actions;
}
