// An experiment with its runs and the statistics computed from them: what show, export, diff, the app's
// experiment page and its share page all read.
import { type Experiment, getExperiment, recoverAbandoned } from '../db/experiments.ts';
import { listRunsOfExperiment, type Run } from '../db/runs.ts';
import { ExperimentNotFoundError } from '../user-error.ts';
import { publicBase } from './public-url.ts';
import { type Aggregate, aggregateRuns, experimentCost } from './aggregate.ts';
import { hardwareEnvironmentOf } from './hardware.ts';

export interface ExperimentReport {
  experiment: Experiment;
  runs: Run[];
  aggregates: Aggregate[];
  cost: ReturnType<typeof experimentCost>; // remote models with a price: the experiment's whole cost
}

export async function loadReport(idOrSlug: string): Promise<ExperimentReport> {
  let experiment = await getExperiment(idOrSlug);
  // A `running` experiment whose process died after this one opened the database is shown as interrupted (and
  // a queued one with no cell left in the queue).
  if ((experiment?.status === 'running' || experiment?.status === 'queued') && (await recoverAbandoned()).length > 0)
    experiment = await getExperiment(idOrSlug);
  if (!experiment) throw new ExperimentNotFoundError(idOrSlug);
  const runs = await listRunsOfExperiment(experiment.id);
  const aggregates = aggregateRuns(runs, hardwareEnvironmentOf(experiment.environment));
  return { experiment, runs, aggregates, cost: experimentCost(runs) };
}

/** Where the dashboard serves an experiment's read-only page (`origin`: the app's request origin). */
export function shareUrl(slug: string, origin: string | null = null): string {
  return `${publicBase(origin)}/share/${slug}`;
}
