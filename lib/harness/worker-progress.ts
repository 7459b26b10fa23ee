// A queued sweep's progress per worker, for its experiment page: each worker that ran or runs its cells (and
// every live worker, which serves the whole queue) with its host, the hardware it measures on, the cells of
// this sweep it stored, the cell it is on now, and whether it is alive; and whether the sweep waits with no
// worker alive. Shaping is pure (tested on hand-built rows); `loadQueueProgress` reads the database.
import type { Experiment } from '../db/experiments.ts';
import { countRunsByWorker } from '../db/runs.ts';
import { listWorkers, type WorkerRecord, workerAlive } from '../db/workers.ts';
import { detailedHardwareLabel, type HardwareEnvironment, hardwareEnvironmentOf } from './hardware.ts';
import { DEFAULT_LEASE_SECONDS } from './queue-defaults.ts';
import { sweepCellTotal } from './sweep-size.ts';

export type WorkerState = 'alive' | 'stopped' | 'gone'; // gone: not seen for a lease (killed, its machine lost)

export interface WorkerProgress {
  name: string;
  host: string;
  hardware: string; // where its runs of this sweep were measured (or will be: its machine, the sweep's provider)
  done: number; // runs of this sweep it stored
  cell: string | null; // the cell of this sweep it runs now (or died in)
  state: WorkerState;
}

export interface QueueProgress {
  stored: number;
  total: number | null; // null: the stored spec no longer parses
  workers: WorkerProgress[];
  alive: number; // live workers, on any sweep: each one takes this sweep's cells in turn
  waitingForWorker: boolean; // queued with no live worker: nothing runs until one starts
}

export interface QueueProgressInput {
  experimentId: string;
  status: string;
  runs: readonly { worker: string | null; workerEnv: unknown; runs: number }[]; // this sweep's runs per worker and environment, newest last
  workers: readonly WorkerRecord[];
  environment: HardwareEnvironment | null; // the experiment's: its provider and threads are every worker's
  total: number | null;
  now: Date;
  staleMs: number; // a worker not seen for this long is gone
}

const ORDER: Record<WorkerState, number> = { alive: 0, stopped: 1, gone: 2 };

export function shapeQueueProgress(input: QueueProgressInput): QueueProgress {
  const done = new Map<string, number>();
  const measuredOn = new Map<string, { hardware: string; host: string | null }>();
  let stored = 0;
  for (const group of input.runs) {
    stored += group.runs;
    if (!group.worker) continue;
    done.set(group.worker, (done.get(group.worker) ?? 0) + group.runs);
    const env = hardwareEnvironmentOf(group.workerEnv);
    const host = (group.workerEnv as { host?: unknown } | null)?.host;
    if (env) measuredOn.set(group.worker, { hardware: detailedHardwareLabel(env), host: typeof host === 'string' ? host : null }); // the latest
  }
  const registered = new Map(input.workers.map((w) => [w.name, w]));
  const stateOf = (w: WorkerRecord): WorkerState => (workerAlive(w, input.now, input.staleMs) ? 'alive' : w.stoppedAt ? 'stopped' : 'gone');
  const involved = new Set([
    ...done.keys(),
    ...input.workers.filter((w) => w.experimentId === input.experimentId || stateOf(w) === 'alive').map((w) => w.name),
  ]);
  const workers = [...involved].map((name): WorkerProgress => {
    const w = registered.get(name);
    const machine = hardwareEnvironmentOf(w?.environment);
    // A worker with no run of this sweep yet will measure on its machine with the sweep's provider and threads.
    const planned =
      machine && input.environment
        ? detailedHardwareLabel({ ...machine, executionProvider: input.environment.executionProvider, threads: input.environment.threads })
        : null;
    return {
      name,
      host: w?.host ?? measuredOn.get(name)?.host ?? 'unknown',
      hardware: measuredOn.get(name)?.hardware ?? planned ?? 'unknown',
      done: done.get(name) ?? 0,
      cell: w && w.experimentId === input.experimentId ? w.cellKey : null,
      state: w ? stateOf(w) : 'gone', // its row was replaced or removed: it is not beating here
    };
  });
  workers.sort((a, b) => ORDER[a.state] - ORDER[b.state] || b.done - a.done || a.name.localeCompare(b.name));
  const alive = input.workers.filter((w) => stateOf(w) === 'alive').length;
  return {
    stored,
    total: input.total,
    workers,
    alive,
    waitingForWorker: input.status === 'queued' && alive === 0,
  };
}

/** The sweep's per-worker progress now; a worker is taken for gone after the default lease without a heartbeat. */
export async function loadQueueProgress(experiment: Pick<Experiment, 'id' | 'config'> & { status: string; environment: unknown }): Promise<QueueProgress> {
  const [runs, workers] = await Promise.all([countRunsByWorker(experiment.id), listWorkers()]);
  return shapeQueueProgress({
    experimentId: experiment.id,
    status: experiment.status,
    runs,
    workers,
    environment: hardwareEnvironmentOf(experiment.environment),
    total: sweepCellTotal(experiment.config),
    now: new Date(),
    staleMs: DEFAULT_LEASE_SECONDS * 1000,
  });
}

/** Whether a sweep's page shows its workers: queued now, or any of its runs came from a worker. */
export const showsWorkers = (experiment: { kind: string; status: string }, runs: readonly { worker?: string | null }[]) =>
  experiment.kind === 'sweep' && (experiment.status === 'queued' || runs.some((r) => r.worker));
