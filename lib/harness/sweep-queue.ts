// Sweeps as queued jobs (PostgreSQL only): `dlm bench --queue` stores the experiment and enqueues one job per
// cell; any number of `dlm worker` processes, on any machine that reaches the database, claim cells, run them
// with the same cell runner as an in-process sweep and store each run with the worker's name and environment.
import os from 'node:os';
import { openCellQueue, queueDatabaseUrl, type CellJob, type CellQueue } from '../db/cell-queue.ts';
import { createExperiment, type Experiment, finishQueuedExperiment, getExperiment, getExperimentById, requeueExperiment } from '../db/experiments.ts';
import { cellStored, countStoredCells, isDuplicateCell, listCellKeys } from '../db/runs.ts';
import { registerWorker, workerSeen, workerStopped, workerStoredCell } from '../db/workers.ts';
import { captureEnvironment, type EnvironmentInfo } from '../env/environment.ts';
import { ExperimentNotFoundError, UserError } from '../user-error.ts';
import { DEFAULT_LEASE_SECONDS } from './queue-defaults.ts';
import { ExperimentStopped } from './record.ts';
import { type Cell, expandCells, type ExperimentSpec, parseSpec } from './spec.ts';
import { assertModelsUnchanged, type Prepared, prepareSweep, runCell, type SweepConfig, SweepRunningError, sweepRecordOf } from './sweep.ts';

/** Validates the spec (loading its models here, so a bad one fails now, not on every worker), stores the experiment and enqueues its cells. */
export async function enqueueSweep(raw: unknown, leaseSeconds = DEFAULT_LEASE_SECONDS): Promise<Experiment> {
  const url = queueDatabaseUrl();
  const spec = parseSpec(raw);
  const prepared = await prepareSweep(spec);
  const { environment, config } = sweepRecordOf(raw, spec, prepared);
  const experiment = await createExperiment({ title: spec.title, kind: 'sweep', config: { ...config, queued: true }, environment, queued: true });
  const queue = await openCellQueue(url);
  try {
    await queue.enqueue(
      experiment.id,
      expandCells(spec).map((c) => c.key),
      leaseSeconds,
    );
  } finally {
    await queue.stop();
  }
  return experiment;
}

/** Enqueues again the cells of a stored sweep that have neither a run nor a job (e.g. their retries ran out). */
export async function requeueSweep(
  idOrSlug: string,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
): Promise<{ experiment: Experiment; enqueued: number; pending: number }> {
  const url = queueDatabaseUrl();
  const found = await getExperiment(idOrSlug);
  if (!found) throw new ExperimentNotFoundError(idOrSlug);
  if (found.kind !== 'sweep') throw new UserError(`experiment ${found.id} is a ${found.kind}, not a sweep: only sweeps can be resumed`);
  if (found.status === 'running') throw new SweepRunningError(found.id);
  const spec = parseSpec((found.config as SweepConfig).spec);
  const stored = await listCellKeys(found.id);
  const queue = await openCellQueue(url);
  try {
    const pending = await queue.pendingCellKeys(found.id);
    const missing = expandCells(spec)
      .filter((c) => !stored.has(c.key) && !pending.has(c.key))
      .map((c) => c.key);
    await queue.enqueue(found.id, missing, leaseSeconds);
    if (missing.length + pending.size > 0) await requeueExperiment(found.id);
    else await finishQueuedExperiment(found.id);
    return { experiment: (await getExperimentById(found.id))!, enqueued: missing.length, pending: pending.size };
  } finally {
    await queue.stop();
  }
}

export const defaultWorkerName = () => `${os.hostname()}:${process.pid}`;

export interface WorkerOptions {
  name: string;
  leaseSeconds: number;
  untilIdle: boolean; // exit once no cell is waiting or running anywhere
  stopAfterCell: AbortSignal; // first SIGTERM/Ctrl-C: finish the current cell, then exit
  abortCell: AbortSignal; // second one: stop the current decode and give its cell back
  pollMs?: number;
  log?: (line: string) => void;
}

interface Loaded {
  spec: ExperimentSpec;
  prepared: Prepared;
  cells: Map<string, Cell>;
  environment: EnvironmentInfo & { host: string };
}

/** Claims and runs cells until stopped (or idle with `untilIdle`); returns how many runs it stored. */
export async function runWorker(options: WorkerOptions): Promise<{ stored: number }> {
  const url = queueDatabaseUrl();
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? 1000;
  const queue = await openCellQueue(url, { maintenanceSeconds: Math.max(1, Math.min(30, Math.floor(options.leaseSeconds / 2))) });
  await registerWorker({ name: options.name, host: os.hostname(), pid: process.pid, environment: captureEnvironment() });
  let current: CellJob | null = null;
  // Three beats per lease: the worker shows as alive, and the cell it runs keeps its lease however long it takes.
  const beat = () => {
    workerSeen(options.name).catch(() => undefined);
    if (current) queue.renew(current).catch(() => undefined);
  };
  const heartbeat = setInterval(beat, (options.leaseSeconds * 1000) / 3);
  const loaded = new Map<string, Loaded | UserError>();
  const warmed = new Set<string>();
  let stored = 0;
  try {
    while (!options.stopAfterCell.aborted) {
      const job = await queue.claim(options.leaseSeconds);
      if (!job) {
        if (options.untilIdle && (await queue.outstanding()) === 0) break;
        await sleep(pollMs, options.stopAfterCell);
        continue;
      }
      current = job;
      const outcome = await runJob(queue, job, options, loaded, warmed, log).finally(() => (current = null));
      if (outcome === 'stored') stored++;
    }
  } finally {
    clearInterval(heartbeat);
    await workerStopped(options.name).catch(() => undefined);
    await queue.stop();
  }
  return { stored };
}

async function load(experimentId: string, loaded: Map<string, Loaded | UserError>): Promise<Loaded | UserError> {
  let entry = loaded.get(experimentId);
  if (entry) return entry;
  const experiment = await getExperimentById(experimentId);
  const config = experiment?.config as SweepConfig | undefined;
  try {
    if (!config) throw new UserError(`experiment ${experimentId} no longer exists`);
    const spec = parseSpec(config.spec);
    const prepared = await prepareSweep(spec);
    assertModelsUnchanged(config, spec, prepared); // this machine's models must be the ones the sweep started with
    const environment = { ...captureEnvironment({ executionProvider: spec.executionProvider, threads: spec.threads }), host: os.hostname() };
    entry = { spec, prepared, cells: new Map(expandCells(spec).map((c) => [c.key, c])), environment };
  } catch (error) {
    // Missing or different models, a bad stored spec: this worker cannot run it (another machine may).
    entry = error instanceof UserError ? error : new UserError(error instanceof Error ? error.message : String(error));
  }
  loaded.clear(); // one experiment's models in memory at a time
  loaded.set(experimentId, entry);
  return entry;
}

async function runJob(
  queue: CellQueue,
  job: CellJob,
  options: WorkerOptions,
  loaded: Map<string, Loaded | UserError>,
  warmed: Set<string>,
  log: (line: string) => void,
): Promise<'stored' | 'skipped' | 'released'> {
  const experiment = await getExperimentById(job.experimentId);
  if (!experiment || experiment.status !== 'queued' || (await cellStored(job.experimentId, job.cellKey))) {
    await queue.done(job); // deleted, stopped, or already stored (a worker died between storing and completing)
    return 'skipped';
  }
  const entry = await load(job.experimentId, loaded);
  if (entry instanceof UserError) {
    log(`cannot run experiment ${job.experimentId} here: ${entry.message}`);
    await queue.release(job, entry.message);
    return 'released';
  }
  const cell = entry.cells.get(job.cellKey);
  if (!cell) {
    await queue.done(job); // not a cell of its spec: nothing to run
    return 'skipped';
  }
  await workerSeen(options.name, { experimentId: job.experimentId, cellKey: job.cellKey });
  try {
    await runCell(job.experimentId, entry.spec, entry.prepared, cell, {
      signal: options.abortCell,
      stopStatus: 'interrupted',
      warmed,
      stamp: { worker: options.name, workerEnv: entry.environment },
    });
  } catch (error) {
    if (isDuplicateCell(error)) {
      await queue.done(job); // its lease ran out and another worker stored it first: stored once all the same
      await workerSeen(options.name, null);
      return 'skipped';
    }
    const reason = error instanceof ExperimentStopped ? 'worker stopped' : error instanceof Error ? error.message : String(error);
    await queue.release(job, reason).catch(() => undefined);
    await workerSeen(options.name, null).catch(() => undefined);
    if (!(error instanceof ExperimentStopped)) log(`cell ${job.cellKey} failed here, given back to the queue: ${reason}`);
    return 'released';
  }
  await queue.done(job);
  await workerStoredCell(options.name);
  log(`stored ${job.cellKey} (experiment ${job.experimentId})`);
  if ((await countStoredCells(job.experimentId)) >= entry.cells.size && (await finishQueuedExperiment(job.experimentId)))
    log(`experiment ${job.experimentId} finished`);
  return 'stored';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
