// An experiment with its runs and the statistics computed from them: what show, export, diff, the app's
// experiment page and its share page all read.
import { type Experiment, getExperiment } from '../db/experiments.ts';
import { listRunsOfExperiment, type Run } from '../db/runs.ts';
import { UserError } from '../user-error.ts';
import { type Aggregate, aggregateRuns } from './aggregate.ts';

export interface ExperimentReport {
  experiment: Experiment;
  runs: Run[];
  aggregates: Aggregate[];
}

export async function loadReport(idOrSlug: string): Promise<ExperimentReport> {
  const experiment = await getExperiment(idOrSlug);
  if (!experiment) throw new UserError(`no experiment "${idOrSlug}" (see "dlm list")`);
  const runs = await listRunsOfExperiment(experiment.id);
  return { experiment, runs, aggregates: aggregateRuns(runs) };
}

/** Where the dashboard serves an experiment's read-only page. */
export function shareUrl(slug: string): string {
  const base = process.env.DLM_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return `${base.replace(/\/$/, '')}/share/${slug}`;
}
