// The database layer on PostgreSQL (a throwaway local cluster; skipped when the server binaries are absent):
// migrations apply once and race safely, `dlm db migrate` works, the same queries behave as on SQLite, and
// the app's start recovers experiments as on SQLite (and queued sweeps with no cell left in the queue).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { currentProcess, formatOwner } from '../env/process-identity.ts';
import { projectRoot } from '../paths.ts';
import { openCellQueue } from './cell-queue.ts';
import { closeDatabase } from './client.ts';
import { readMigrations } from './migrate.ts';
import { postgresMigrationsDir, preparePostgres } from './postgres.ts';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from './test-postgres.ts';

const skip = postgresSkipReason() ?? false;
if (skip) console.log(`# ${skip}`);

describe('PostgreSQL', { skip }, () => {
  let server: TestPostgres;
  before(async () => {
    server = await startTestPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  test('migrations apply once, two racing processes included', async () => {
    const url = await server.createDatabase();
    const migrations = readMigrations(postgresMigrationsDir());
    const [a, b] = await Promise.all([preparePostgres(url), preparePostgres(url)]);
    assert.equal(a.length + b.length, migrations.length, 'each migration applied by exactly one of two racing processes');
    assert.deepEqual(await preparePostgres(url), []);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Run'`);
      for (const column of ['cellKey', 'worker', 'workerEnv', 'remote'])
        assert.ok(
          rows.some((r) => r.column_name === column),
          column,
        );
    } finally {
      await client.end();
    }
  });

  test('dlm db migrate on a PostgreSQL URL, then up to date', async () => {
    const url = await server.createDatabase();
    const dlm = path.join(projectRoot(), 'bin', 'dlm.mjs');
    const run = () => spawnSync(process.execPath, [dlm, 'db', 'migrate'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /applied \d+/);
    assert.doesNotMatch(first.stderr, /password/);
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /up to date/);
  });

  test('the same queries: experiments, runs, the unique cell key', async () => {
    const url = await server.createDatabase();
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    try {
      const { createExperiment, finishExperiment, listExperiments, getExperiment } = await import('./experiments.ts');
      const { recordRun, listRunsOfExperiment, listCellKeys, isDuplicateCell } = await import('./runs.ts');
      const environment = {
        gitSha: 'x',
        gitDirty: false,
        node: '20',
        onnxruntime: '1',
        cpuModel: 'c',
        cpuCores: 2,
        gpuModel: null,
        executionProvider: 'cpu',
        threads: 1,
        os: 'Linux',
      };
      const e = await createExperiment({ title: 'pg', kind: 'sweep', config: { spec: { tasks: ['copy'] } }, environment });
      const run = {
        experimentId: e.id,
        engine: 'diffusion' as const,
        modelId: 'm',
        modelSha256: 'h',
        prompt: 'p',
        requestedLength: 8,
        settings: { seed: 1 },
        outputText: 'o',
        generatedTokens: 3,
        totalMs: 1.5,
        forwardPasses: 8,
        passed: true,
        cellKey: 'k1',
        worker: 'w1',
        workerEnv: { host: 'h1' },
      };
      await recordRun(run);
      await assert.rejects(recordRun(run), (error) => isDuplicateCell(error), 'a cell is stored once');
      const [stored] = await listRunsOfExperiment(e.id);
      assert.equal(stored!.worker, 'w1');
      assert.deepEqual(stored!.workerEnv, { host: 'h1' });
      assert.deepEqual(stored!.settings, { seed: 1 });
      assert.equal(stored!.totalMs, 1.5);
      assert.deepEqual([...(await listCellKeys(e.id))], ['k1']);
      await finishExperiment(e.id, 'finished');
      assert.equal((await getExperiment(e.slug))!.status, 'finished');
      const [summary] = await listExperiments();
      assert.equal(summary!.runCount, 1);
    } finally {
      await closeDatabase(url);
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  test('app start recovers as on SQLite: a dead process’s sweep and a queued sweep with no cell left become interrupted', async () => {
    const url = await server.createDatabase();
    await preparePostgres(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const previous = process.env.DATABASE_URL;
    const write = process.stderr.write.bind(process.stderr);
    const stderr: string[] = [];
    try {
      const insert = async (status: string, owner: string | null, ageSeconds: number, runs = 0) => {
        const id = randomUUID();
        await client.query(
          `INSERT INTO "Experiment" (id, slug, title, kind, status, "createdAt", config, environment, owner)
           VALUES ($1, $2, $3, 'sweep', $4, (now() AT TIME ZONE 'UTC') - make_interval(secs => $5), '{}', '{}', $6)`,
          [id, id.slice(0, 22), `${status} ${ageSeconds}`, status, ageSeconds, owner],
        );
        for (let i = 0; i < runs; i++)
          await client.query(
            `INSERT INTO "Run" (id, "experimentId", engine, "modelId", "modelSha256", prompt, "requestedLength", settings, "outputText", "generatedTokens", "totalMs", "forwardPasses", "cellKey")
             VALUES ($1, $2, 'autoregressive', 'm', 's', 'p', 8, '{}', 'o', 1, 1, 1, $3)`,
            [randomUUID(), id, `cell-${i}`],
          );
        return id;
      };
      const deadOwner = formatOwner({ ...currentProcess(), pid: 2 ** 22 + 12345, start: '1' }); // above Linux's pid_max
      const dead = await insert('running', deadOwner, 60, 2);
      const live = await insert('running', formatOwner(currentProcess()), 60);
      const stalled = await insert('queued', null, 3600, 1); // its jobs are gone (retries spent): nothing will ever run it
      const waiting = await insert('queued', null, 3600); // a cell still waits in the queue, though no worker is alive
      const fresh = await insert('queued', null, 1); // being enqueued right now
      const queue = await openCellQueue(url);
      try {
        await queue.enqueue(waiting, ['copy|0'], 60);
      } finally {
        await queue.stop();
      }

      process.env.DATABASE_URL = url;
      process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
      const { onServerStart } = await import('../harness/server-start.ts');
      await onServerStart();
      process.stderr.write = write;
      const status = async (id: string) => (await client.query<{ status: string }>(`SELECT status FROM "Experiment" WHERE id = $1`, [id])).rows[0]!.status;
      assert.equal(await status(dead), 'interrupted');
      assert.equal(await status(live), 'running', 'this process is alive');
      assert.equal(await status(stalled), 'interrupted');
      assert.equal(await status(waiting), 'queued', 'the queue keeps its cell for the next worker');
      assert.equal(await status(fresh), 'queued');
      assert.match(stderr.find((l) => l.includes(dead)) ?? '', /left running by a process that is gone: marked interrupted with its 2 stored runs/);
      assert.match(
        stderr.find((l) => l.includes(stalled)) ?? '',
        /none of its cells is waiting or running any more: marked interrupted with its 1 stored run; resume it with "dlm bench --queue --resume /,
      );
      assert.equal(stderr.filter((l) => l.includes('marked interrupted')).length, 2);
    } finally {
      process.stderr.write = write;
      await client.end();
      await closeDatabase(url);
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
