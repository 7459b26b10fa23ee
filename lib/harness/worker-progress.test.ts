// A queued sweep's progress per worker, shaped from hand-built runs and worker rows: cells done per worker
// from the runs' `worker`, hardware from their worker environments, the current cell, alive / stopped / gone,
// and "queued, no worker alive".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkerRecord } from '../db/workers.ts';
import { type QueueProgressInput, shapeQueueProgress, showsWorkers } from './worker-progress.ts';

const now = new Date('2026-11-30T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const machine = (cpuModel: string) => ({ cpuModel, gpuModel: null, executionProvider: 'cpu', threads: null });

function worker(name: string, over: Partial<WorkerRecord> = {}): WorkerRecord {
  return {
    name,
    host: `${name}-host`,
    pid: 1,
    environment: machine('Xeon'),
    startedAt: ago(600),
    seenAt: ago(5),
    stoppedAt: null,
    experimentId: null,
    cellKey: null,
    done: 0,
    ...over,
  };
}

const runsOf = (name: string, cpuModel: string, runs: number) => ({
  worker: name,
  workerEnv: { ...machine(cpuModel), threads: 1, host: `${name}-host` },
  runs,
});

function input(over: Partial<QueueProgressInput>): QueueProgressInput {
  return {
    experimentId: 'E',
    status: 'queued',
    runs: [],
    workers: [],
    environment: { ...machine('Laptop'), threads: 1 },
    total: 6,
    now,
    staleMs: 120_000,
    ...over,
  };
}

describe('queue progress per worker', () => {
  test('cells done, hardware, current cell and state of each worker', () => {
    const progress = shapeQueueProgress(
      input({
        runs: [runsOf('a', 'Laptop', 1), runsOf('b', 'EPYC', 1), runsOf('a', 'Xeon', 1), { worker: null, workerEnv: null, runs: 1 }], // a moved machines: its latest
        workers: [
          worker('a', { experimentId: 'E', cellKey: 'ar|copy|8|2', done: 9 }), // done counts every sweep: not used
          worker('b', { stoppedAt: ago(30), seenAt: ago(30) }),
          worker('c', { experimentId: 'E', cellKey: 'diffusion|copy|8|0', seenAt: ago(600) }), // killed mid-cell
          worker('d', { environment: machine('EPYC'), experimentId: 'OTHER', cellKey: 'x' }), // alive on another sweep
          worker('old', { stoppedAt: ago(3600), seenAt: ago(3600) }), // never touched this sweep
        ],
      }),
    );
    assert.deepEqual(progress.workers, [
      { name: 'a', host: 'a-host', hardware: 'CPU: Xeon, 1 thread', done: 2, cell: 'ar|copy|8|2', state: 'alive' },
      { name: 'd', host: 'd-host', hardware: 'CPU: EPYC, 1 thread', done: 0, cell: null, state: 'alive' }, // its machine, the sweep's threads
      { name: 'b', host: 'b-host', hardware: 'CPU: EPYC, 1 thread', done: 1, cell: null, state: 'stopped' },
      { name: 'c', host: 'c-host', hardware: 'CPU: Xeon, 1 thread', done: 0, cell: 'diffusion|copy|8|0', state: 'gone' },
    ]);
    assert.equal(progress.stored, 4);
    assert.equal(progress.total, 6);
    assert.equal(progress.alive, 2);
    assert.equal(progress.waitingForWorker, false);
  });

  test('queued with no worker alive: waiting for one; a worker known only from its runs is gone', () => {
    const progress = shapeQueueProgress(
      input({ runs: [runsOf('ghost', 'Xeon', 1)], workers: [worker('c', { seenAt: ago(121) }), worker('b', { stoppedAt: ago(1) })] }),
    );
    assert.equal(progress.alive, 0);
    assert.equal(progress.waitingForWorker, true);
    assert.deepEqual(progress.workers, [{ name: 'ghost', host: 'ghost-host', hardware: 'CPU: Xeon, 1 thread', done: 1, cell: null, state: 'gone' }]);
    assert.equal(shapeQueueProgress(input({ status: 'finished', workers: [] })).waitingForWorker, false, 'only a queued sweep waits');
    assert.equal(shapeQueueProgress(input({ workers: [worker('a')] })).waitingForWorker, false);
  });

  test('the page shows workers for a queued sweep, or one whose runs came from workers', () => {
    assert.equal(showsWorkers({ kind: 'sweep', status: 'queued' }, []), true);
    assert.equal(showsWorkers({ kind: 'sweep', status: 'finished' }, [{ worker: 'a' }]), true);
    assert.equal(showsWorkers({ kind: 'sweep', status: 'finished' }, [{ worker: null }]), false);
    assert.equal(showsWorkers({ kind: 'compare', status: 'finished' }, []), false);
  });
});
