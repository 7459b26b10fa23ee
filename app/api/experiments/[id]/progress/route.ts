// GET /api/experiments/:id/progress: the background job's progress, and the stored status; a queued sweep's
// (PostgreSQL) progress per worker, and whether it waits with no worker alive.
import { getExperimentById } from '@/lib/db/experiments.ts';
import { sweepJob } from '@/lib/harness/sweep-jobs.ts';
import { loadQueueProgress } from '@/lib/harness/worker-progress.ts';
import { ExperimentNotFoundError } from '@/lib/user-error.ts';
import { errorResponse, experimentIdOf, json } from '../../../http.ts';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const id = experimentIdOf((await params).id);
    const experiment = await getExperimentById(id);
    if (!experiment) throw new ExperimentNotFoundError(id, '');
    const job = sweepJob(id);
    return json({
      status: experiment.status,
      job: job && {
        state: job.state,
        error: job.error,
        progress: job.progress && { done: job.progress.done, total: job.progress.total, etaMs: job.progress.etaMs, elapsedMs: job.progress.elapsedMs },
      },
      queue: experiment.status === 'queued' ? await loadQueueProgress(experiment) : null,
    });
  } catch (error) {
    return errorResponse(error);
  }
}
