// The database layer on PostgreSQL (a throwaway local cluster; skipped when the server binaries are absent):
// migrations apply once and race safely, `dlm db migrate` works, and the same queries behave as on SQLite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { projectRoot } from '../paths.ts';
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
});
