// Queued sweeps on a real PostgreSQL server (a throwaway local cluster; skipped when the binaries are absent),
// through the real binary: three workers as separate processes, one killed with SIGKILL mid-cell → every cell
// stored exactly once and the killed worker's cell redone by another; and a sweep whose only worker was
// stopped (SIGTERM) resumes with a new worker. Tiny sweeps: the whole file runs in well under two minutes.
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
      return { child, exited };
    };
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
    return { id, cli, worker, query, close: () => db.end() };
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

  test('queued sweeps need PostgreSQL: one line, exit 2', () => {
    const r = spawnSync(process.execPath, [dlm, 'worker', '--until-idle'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'x.db')}` },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /need a shared PostgreSQL database/);
  });
});
