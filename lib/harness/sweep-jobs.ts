// Sweeps started from the dashboard run as background jobs in the server process (never inside the request
// that started them), one at a time, with live progress and a cancel that stops them between runs. On
// PostgreSQL they go to the queue instead, as `dlm bench --queue` (lib/harness/sweep-queue.ts): their cells
// are run by `dlm worker` processes, on this machine or any other, never in the web server.
import { cancelQueuedExperiment, type Experiment, getExperimentById } from '../db/experiments.ts';
import { databaseLocation } from '../db/location.ts';
import { UserError } from '../user-error.ts';
import { decodeQueue } from './decode-queue.ts';
import { parseSpec } from './spec.ts';
import { resumeSweep, startSweep, type SweepOptions, type SweepOutcome, type SweepProgress } from './sweep.ts';

interface Job {
  experimentId: string;
  controller: AbortController;
  progress: SweepProgress | null;
  state: 'running' | 'finished' | 'failed' | 'cancelled';
  error: string | null;
}

const jobs = new Map<string, Job>();
let starting = false;

export class SweepBusyError extends UserError {
  constructor(readonly runningId: string) {
    super(`a sweep is already running (${runningId}); wait for it or cancel it`);
  }
}

/** Whether this server's sweeps go to the cell queue: the database is PostgreSQL, shared with the workers. */
export const sweepsAreQueued = () => databaseLocation().provider === 'postgresql';

/** pg-boss loads only when the queue is used. */
const queueModule = () => import('./sweep-queue.ts');

/** Validates the spec (a FieldError names the bad field), starts the job (or enqueues its cells) and returns its experiment id. */
export async function startSweepJob(raw: unknown): Promise<string> {
  parseSpec(raw); // the whole spec is checked before anything starts
  if (sweepsAreQueued()) return (await (await queueModule()).enqueueSweep(raw)).id;
  return launch((options) => startSweep(raw, options));
}

/**
 * Resumes a stored sweep in the background as `dlm bench --resume` does (only missing cells, model hashes
 * checked); returns once it is running again, or throws what stops it (unknown id, changed model, running).
 */
export async function resumeSweepJob(experimentId: string): Promise<string> {
  if (sweepsAreQueued()) return (await (await queueModule()).requeueSweep(experimentId)).experiment.id; // its missing cells, enqueued again
  return launch((options) => resumeSweep(experimentId, options));
}

/** One sweep at a time in this server: runs `sweep` in the background and resolves with its experiment id. */
function launch(sweep: (options: SweepOptions) => Promise<SweepOutcome>): Promise<string> {
  const running = [...jobs.values()].find((j) => j.state === 'running');
  if (running) throw new SweepBusyError(running.experimentId);
  if (starting) throw new SweepBusyError('one being started'); // loading its models: no experiment id yet
  starting = true;
  const controller = new AbortController();
  return new Promise<string>((resolve, reject) => {
    let job: Job | undefined;
    sweep({
      signal: controller.signal,
      stopStatus: 'cancelled',
      acquire: (modelId) => decodeQueue.acquire(modelId, controller.signal),
      onExperiment: (experiment: Experiment) => {
        job = { experimentId: experiment.id, controller, progress: null, state: 'running', error: null };
        jobs.set(experiment.id, job);
        starting = false;
        resolve(experiment.id);
      },
      onProgress: (progress) => {
        if (job) job.progress = progress;
      },
    }).then(
      () => job && (job.state = 'finished'),
      (error: Error) => {
        starting = false;
        if (!job) return reject(error); // failed before the experiment existed or reopened (e.g. a model that cannot load)
        job.state = controller.signal.aborted ? 'cancelled' : 'failed';
        job.error = controller.signal.aborted ? null : error.message.split('\n')[0]!;
      },
    );
  });
}

export function sweepJob(experimentId: string): Omit<Job, 'controller'> | null {
  const job = jobs.get(experimentId);
  if (!job) return null;
  const { controller: _controller, ...rest } = job;
  return rest;
}

/** Stops a running job between runs; false when there is no such running job in this server. */
export function cancelSweepJob(experimentId: string): boolean {
  const job = jobs.get(experimentId);
  if (!job || job.state !== 'running') return false;
  job.controller.abort();
  return true;
}

/**
 * Cancels a sweep running in this server, or a queued one (workers then drop its waiting cells and a cell
 * being run is still stored); false when it is neither. Resume enqueues (or runs) what is missing.
 */
export async function cancelSweep(experimentId: string): Promise<boolean> {
  if (cancelSweepJob(experimentId)) return true;
  return (await getExperimentById(experimentId))?.status === 'queued' && (await cancelQueuedExperiment(experimentId));
}
