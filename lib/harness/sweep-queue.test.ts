// Queued sweeps on a real PostgreSQL server (a throwaway local cluster; skipped when the binaries are absent),
// through the real binary: three workers as separate processes, one killed with SIGKILL mid-cell → every cell
// stored exactly once and the killed worker's cell redone by another; a sweep whose only worker was stopped
// (SIGTERM) resumes with a new worker; a second SIGTERM mid-cell gives the cell back at once; and the app's
// sweeps (start, cancel, resume) go to the queue. Tiny sweeps: the whole file runs in well under two minutes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../db/test-postgres.ts';
import { projectRoot } from '../paths.ts';

const skip = postgresSkipReason() ?? false;
if (skip) console.log(`# ${skip}`);
const dlm = path.join(projectRoot(), 'bin', 'dlm.mjs');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-queue-'));
const LEASE = '4'; // seconds: above one cell here, short enough for the test

function specFile(name: string, spec: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queued sweeps with workers', { skip }, () => {
  let server: TestPostgres;
  const children: ChildProcess[] = [];
  before(async () => {
    server = await startTestPostgres();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function setup(spec: unknown) {
    const url = await server.createDatabase();
    const env = { ...process.env, DATABASE_URL: url };
    const cli = (...args: string[]) => spawnSync(process.execPath, [dlm, ...args], { encoding: 'utf8', env });
    const queued = cli('bench', '--queue', '--spec', specFile(`${path.basename(url)}.json`, spec), '--lease-seconds', LEASE, '--json');
    assert.equal(queued.status, 0, queued.stderr);
    const { id } = JSON.parse(queued.stdout) as { id: string };
    const worker = (name: string, ...flags: string[]) => {
      const child = spawn(
        process.execPath,
        [dlm, 'worker', '--name', name, ...(flags.includes('--lease-seconds') ? [] : ['--lease-seconds', LEASE]), ...flags],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      children.push(child);
      const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
      return { child, exited, stderr: () => stderr };
    };
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
    return { id, url, cli, worker, query, close: () => db.end() };
  }

  /** Polls `check` every 20 ms until it returns something, for at most a minute. */
  async function waitFor<T>(what: string, check: () => Promise<T | null | undefined> | T | null | undefined): Promise<T> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const value = await check();
      if (value !== null && value !== undefined) return value;
      await sleep(20);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test('three workers, one killed with SIGKILL mid-cell: every cell once, the killed cell redone', async () => {
    // 2 tasks × 3 items × (AR + diffusion) = 12 cells, each repeated so that it lasts long enough to be killed in.
    const spec = { title: 'queued', tasks: ['copy', 'sort'], lengths: [16], itemsPerLength: 3, diffusion: { steps: ['L'] }, warmup: 0, repeats: 6, threads: 1 };
    const { id, cli, worker, query, close } = await setup(spec);
    try {
      const victim = worker('victim');
      const others = [worker('w1', '--until-idle'), worker('w2', '--until-idle')];
      let killedCell: string | null = null;
      const deadline = Date.now() + 60_000;
      while (!killedCell && Date.now() < deadline) {
        const [row] = await query<{ cellKey: string | null }>(`SELECT "cellKey" FROM "Worker" WHERE name = 'victim'`);
        if (row?.cellKey) {
          victim.child.kill('SIGKILL');
          killedCell = row.cellKey;
        } else await sleep(20);
      }
      assert.ok(killedCell, 'the victim claimed a cell');
      await victim.exited;
      const results = await Promise.all(others.map((o) => o.exited));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const runs = await query<{ cellKey: string; worker: string; workerEnv: string }>(
        `SELECT "cellKey", worker, "workerEnv" FROM "Run" WHERE "experimentId" = $1`,
        [id],
      );
      assert.equal(runs.length, 12, 'every cell stored');
      assert.equal(new Set(runs.map((r) => r.cellKey)).size, 12, 'each exactly once');
      const redone = runs.find((r) => r.cellKey === killedCell);
      assert.ok(redone && redone.worker !== 'victim', `the killed cell was redone by another worker (${redone?.worker})`);
      const [job] = await query<{ retry_count: number }>(`SELECT retry_count FROM pgboss.job WHERE data->>'experimentId' = $1 AND data->>'cellKey' = $2`, [
        id,
        killedCell,
      ]);
      assert.equal(job!.retry_count, 1, 'claimed again once its lease ran out');
      assert.ok(runs.every((r) => ['victim', 'w1', 'w2'].includes(r.worker)));
      assert.equal((JSON.parse(runs[0]!.workerEnv) as { host: string }).host, os.hostname());
      const [experiment] = await query<{ status: string }>(`SELECT status FROM "Experiment" WHERE id = $1`, [id]);
      assert.equal(experiment!.status, 'finished');

      const workers = JSON.parse(cli('workers', '--json', '--lease-seconds', LEASE).stdout) as {
        name: string;
        alive: boolean;
        done: number;
        cell: string | null;
      }[];
      assert.deepEqual(workers.map((w) => w.name).sort(), ['victim', 'w1', 'w2']);
      const victimRow = workers.find((w) => w.name === 'victim')!;
      assert.equal(victimRow.cell, killedCell, 'a killed worker still shows the cell it died in');
      assert.equal(
        workers.reduce((n, w) => n + w.done, 0),
        12,
      );
      const exported = JSON.parse(cli('export', id, '--format', 'json').stdout) as { runs: { worker: string }[] };
      assert.equal(exported.runs.length, 12);
      assert.ok(exported.runs.every((r) => typeof r.worker === 'string'));
    } finally {
      await close();
    }
  });

  test('a sweep whose workers all stopped resumes with a new worker, each cell once', async () => {
    const spec = { title: 'resumed', tasks: ['copy'], lengths: [8], itemsPerLength: 3, diffusion: { steps: ['L'] }, warmup: 0, repeats: 3, threads: 1 };
    const { id, cli, worker, query, close } = await setup(spec);
    try {
      const first = worker('first');
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "Run"`))[0]!.n) < 1) await sleep(20);
      first.child.kill('SIGTERM'); // finishes its current cell, then exits
      const stopped = await first.exited;
      assert.equal(stopped.code, 0, stopped.stderr);
      const [{ n }] = (await query<{ n: string }>(`SELECT count(*) AS n FROM "Run" WHERE "experimentId" = $1`, [id])) as [{ n: string }];
      assert.ok(Number(n) >= 1 && Number(n) < 6, `stopped mid-sweep (${n} of 6)`);
      const resumed = cli('bench', '--queue', '--resume', id, '--json');
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.deepEqual(JSON.parse(resumed.stdout), { id, status: 'queued', enqueued: 0, pending: 6 - Number(n) });
      const second = await worker('second', '--until-idle').exited;
      assert.equal(second.code, 0, second.stderr);
      const runs = await query<{ cellKey: string }>(`SELECT "cellKey" FROM "Run" WHERE "experimentId" = $1`, [id]);
      assert.equal(new Set(runs.map((r) => r.cellKey)).size, 6);
      assert.equal(runs.length, 6);
      const [experiment] = await query<{ status: string }>(`SELECT status FROM "Experiment" WHERE id = $1`, [id]);
      assert.equal(experiment!.status, 'finished');
    } finally {
      await close();
    }
  });

  test('a cell longer than the lease keeps it: the worker renews it, so no cell is claimed twice', async () => {
    // 1-second leases, a cell of many timed repeats lasting several leases: a lease lost mid-cell would show as a retry.
    const spec = { title: 'long cells', tasks: ['copy'], lengths: [32], itemsPerLength: 1, diffusion: { steps: ['L'] }, warmup: 0, repeats: 100, threads: 1 };
    const { id, worker, query, close } = await setup(spec);
    try {
      const done = await worker('slow', '--until-idle', '--lease-seconds', '1').exited;
      assert.equal(done.code, 0, done.stderr);
      const runs = await query<{ timings: string }>(`SELECT timings FROM "Run" WHERE "experimentId" = $1`, [id]);
      assert.equal(runs.length, 2);
      const cellMs = runs.map((run) => (JSON.parse(run.timings) as { repeats: { totalMs: number }[] }).repeats.reduce((sum, r) => sum + r.totalMs, 0));
      assert.ok(Math.max(...cellMs) > 2_000, `a cell outlasted two leases (${cellMs.map(Math.round).join(', ')} ms)`);
      const jobs = await query<{ retry_count: number; state: string }>(`SELECT retry_count, state FROM pgboss.job WHERE data->>'experimentId' = $1`, [id]);
      assert.deepEqual(
        jobs.map((j) => [j.state, j.retry_count]),
        [
          ['completed', 0],
          ['completed', 0],
        ],
      );
    } finally {
      await close();
    }
  });

  test('a second SIGTERM mid-cell stops the worker at once and gives its cell back: stored once, by another worker', async () => {
    // Cells of 60 timed repeats (a second or more each): a worker that ignored the second signal would finish and store its cell.
    const spec = { title: 'double stop', tasks: ['copy'], lengths: [32], itemsPerLength: 1, diffusion: { steps: ['L'] }, warmup: 0, repeats: 60, threads: 1 };
    const { id, worker, query, close } = await setup(spec);
    try {
      const stopper = worker('stopper');
      const cell = await waitFor('the worker to start a cell', async () => {
        const [row] = await query<{ cellKey: string | null }>(`SELECT "cellKey" FROM "Worker" WHERE name = 'stopper'`);
        return row?.cellKey;
      });
      stopper.child.kill('SIGTERM'); // first: finish the cell, then exit
      await waitFor('the first signal to be taken', () => (/finishing the current cell/.test(stopper.stderr()) ? true : null)); // a signal sent twice before it is handled counts once
      stopper.child.kill('SIGTERM'); // second: stop the cell now and give it back
      const stopped = await stopper.exited;
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stderr, /stopping the current cell and giving it back/);
      assert.match(stopped.stderr, /stopped after storing 0 runs/);
      assert.deepEqual(await query(`SELECT "cellKey" FROM "Run" WHERE "experimentId" = $1`, [id]), [], 'the interrupted cell was not stored');
      const [released] = await query<{ state: string; retry_count: number }>(
        `SELECT state, retry_count FROM pgboss.job WHERE data->>'experimentId' = $1 AND data->>'cellKey' = $2`,
        [id, cell],
      );
      assert.deepEqual(released, { state: 'retry', retry_count: 0 }, 'given back to the queue at once, not left to its lease');
      const [row] = await query<{ cellKey: string | null; stoppedAt: Date | null }>(`SELECT "cellKey", "stoppedAt" FROM "Worker" WHERE name = 'stopper'`);
      assert.equal(row!.cellKey, null);
      assert.ok(row!.stoppedAt, 'a clean stop, not a worker gone silent');

      const finisher = await worker('finisher', '--until-idle').exited;
      assert.equal(finisher.code, 0, finisher.stderr);
      const runs = await query<{ cellKey: string; worker: string }>(`SELECT "cellKey", worker FROM "Run" WHERE "experimentId" = $1`, [id]);
      assert.equal(runs.length, 2);
      assert.equal(new Set(runs.map((r) => r.cellKey)).size, 2, 'each cell stored exactly once');
      assert.equal(runs.find((r) => r.cellKey === cell)?.worker, 'finisher', 'the given-back cell was run again');
      const [again] = await query<{ state: string; retry_count: number }>(
        `SELECT state, retry_count FROM pgboss.job WHERE data->>'experimentId' = $1 AND data->>'cellKey' = $2`,
        [id, cell],
      );
      assert.deepEqual(again, { state: 'completed', retry_count: 1 }, 'claimed a second time, by the finisher');
      const [experiment] = await query<{ status: string }>(`SELECT status FROM "Experiment" WHERE id = $1`, [id]);
      assert.equal(experiment!.status, 'finished');
    } finally {
      await close();
    }
  });

  test('the app on PostgreSQL: a sweep is enqueued, not run in the server; cancel and resume go through the queue', async () => {
    const url = await server.createDatabase();
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
    try {
      const { startSweepJob, resumeSweepJob, cancelSweep, sweepJob } = await import('./sweep-jobs.ts');
      const { loadQueueProgress } = await import('./worker-progress.ts');
      const { getExperimentById } = await import('../db/experiments.ts');
      const spec = { title: 'from the app', tasks: ['copy'], lengths: [8], itemsPerLength: 2, diffusion: { steps: ['L'] }, warmup: 0, repeats: 1, threads: 1 };
      const id = await startSweepJob(spec);
      assert.equal(sweepJob(id), null, 'no background job in the server');
      assert.equal((await getExperimentById(id))!.status, 'queued');
      const jobs = await rows<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE data->>'experimentId' = $1 AND state = 'created'`, [id]);
      assert.equal(Number(jobs[0]!.n), 4, 'one job per cell');
      await sleep(300);
      assert.deepEqual(await rows(`SELECT id FROM "Run"`), [], 'nothing runs in the server');
      const waiting = await loadQueueProgress((await getExperimentById(id))!);
      assert.deepEqual({ ...waiting, workers: waiting.workers.length }, { stored: 0, total: 4, workers: 0, alive: 0, waitingForWorker: true });

      assert.equal(await cancelSweep(id), true);
      assert.equal((await getExperimentById(id))!.status, 'cancelled');
      assert.equal(await cancelSweep(id), false, 'nothing left to cancel');
      const workerAt = (name: string) => {
        const child = spawn(process.execPath, [dlm, 'worker', '--name', name, '--until-idle', '--lease-seconds', LEASE], {
          env: { ...process.env, DATABASE_URL: url },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        children.push(child);
        return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
      };
      const dropper = await workerAt('dropper');
      assert.equal(dropper.code, 0, dropper.stderr);
      assert.deepEqual(await rows(`SELECT id FROM "Run"`), [], 'a cancelled sweep’s cells are dropped, not run');

      assert.equal(await resumeSweepJob(id), id);
      assert.equal((await getExperimentById(id))!.status, 'queued', 'resumed onto the queue');
      const runner = await workerAt('runner');
      assert.equal(runner.code, 0, runner.stderr);
      const stored = await rows<{ cellKey: string; worker: string }>(`SELECT "cellKey", worker FROM "Run" WHERE "experimentId" = $1`, [id]);
      assert.equal(stored.length, 4);
      assert.equal(new Set(stored.map((r) => r.cellKey)).size, 4);
      const finished = (await getExperimentById(id))!;
      assert.equal(finished.status, 'finished');
      const progress = await loadQueueProgress(finished);
      assert.deepEqual(
        progress.workers.map((w) => [w.name, w.done, w.state, w.cell]),
        [['runner', 4, 'stopped', null]],
      );
      assert.match(progress.workers[0]!.hardware, /^CPU: .+, 1 thread$/);
      assert.equal(progress.waitingForWorker, false);
    } finally {
      await db.end();
      const { closeDatabase } = await import('../db/client.ts');
      await closeDatabase(url);
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  test('queued sweeps need PostgreSQL: one line, exit 2', () => {
    const r = spawnSync(process.execPath, [dlm, 'worker', '--until-idle'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'x.db')}` },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /need a shared PostgreSQL database/);
  });
});
