import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { captureEnvironment } from '../env/environment.ts';
import { projectRoot } from '../paths.ts';
import { closeDatabase, prepareDatabaseFile } from './client.ts';
import { countExperiments, createExperiment, finishExperiment, getExperimentBySlug, listRecentExperiments } from './experiments.ts';
import { databaseLocation, databasePathFromUrl, describeLocation } from './location.ts';
import { listRunsOfExperiment, recordRun } from './runs.ts';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from './test-postgres.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-db-test-'));
const previousUrl = process.env.DATABASE_URL;

before(() => {
  process.env.DATABASE_URL = `file:${path.join(scratch, 'nested', 'folder', 'test.db')}`; // folders get created
});
after(async () => {
  await closeDatabase();
  process.env.DATABASE_URL = previousUrl;
  rmSync(scratch, { recursive: true, force: true });
});

describe('database file', () => {
  test('is created, migrated once, in WAL mode, and re-migrating is a no-op', () => {
    const file = path.join(scratch, 'fresh.db');
    const migrations = readdirSync(path.join(projectRoot(), 'prisma', 'migrations')).filter((d) => /^\d+_/.test(d));
    assert.deepEqual(prepareDatabaseFile(file).length, migrations.length);
    assert.deepEqual(prepareDatabaseFile(file), []);
    const sqlite = new Database(file);
    assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    assert.deepEqual(
      tables.map((t) => t.name),
      ['Experiment', 'Run', 'Worker', '_prisma_migrations'],
    );
    sqlite.close();
  });

  test('a changed migration is refused rather than silently ignored', () => {
    const file = path.join(scratch, 'tampered.db');
    prepareDatabaseFile(file);
    const sqlite = new Database(file);
    sqlite.prepare("UPDATE _prisma_migrations SET checksum = 'x'").run();
    sqlite.close();
    assert.throws(() => prepareDatabaseFile(file), /was changed after it was applied/);
  });

  test('bad DATABASE_URL values give one clear message', () => {
    assert.throws(() => databasePathFromUrl('postgres://localhost/db'), /must be a SQLite file URL/);
    assert.throws(() => databasePathFromUrl('file:'), /must name a database file/);
    assert.throws(() => databasePathFromUrl('file::memory:'), /not supported/);
    assert.equal(databasePathFromUrl('file:/tmp/x.db'), '/tmp/x.db');
    assert.throws(() => databaseLocation('postgresql://a b@'), /not a valid PostgreSQL URL/);
  });

  test('a postgresql:// URL selects PostgreSQL, named in messages without its password', () => {
    const location = databaseLocation('postgresql://dlm:s3cret@db.lab:5433/results');
    assert.deepEqual(location, { provider: 'postgresql', url: 'postgresql://dlm:s3cret@db.lab:5433/results' });
    assert.equal(describeLocation(location), 'postgresql://dlm@db.lab:5433/results');
    assert.equal(databaseLocation('postgres://h/d').provider, 'postgresql');
    assert.deepEqual(databaseLocation('file:/tmp/x.db'), { provider: 'sqlite', file: '/tmp/x.db' });
  });

  test('an unusable data folder is reported with its path, not a stack trace', () => {
    const notAFolder = path.join(scratch, 'plain-file');
    writeFileSync(notAFolder, 'x');
    assert.throws(
      () => prepareDatabaseFile(path.join(notAFolder, 'db.sqlite')),
      (error: Error) => {
        assert.match(error.message, /^cannot use the database at .*plain-file\/db\.sqlite: .*DATABASE_URL/);
        assert.equal(error.message.includes('\n'), false);
        return true;
      },
    );
  });
});

// The same queries on both providers: SQLite (the default) and PostgreSQL (a throwaway local cluster; skipped,
// with a message, where its server binaries are absent).
function queryTests(provider: string, options: { skip?: string | false; databaseUrl?: () => Promise<string> } = {}) {
  describe(provider, { skip: options.skip ?? false }, () => {
    let url: string | undefined;
    before(async () => {
      if (!options.databaseUrl) return; // the file-wide SQLite database
      url = await options.databaseUrl();
      process.env.DATABASE_URL = url;
    });
    after(async () => {
      if (!url) return;
      await closeDatabase(url);
      process.env.DATABASE_URL = `file:${path.join(scratch, 'nested', 'folder', 'test.db')}`;
    });

    describe(`experiments and runs (${provider})`, () => {
      test('an experiment and its runs round-trip with their JSON fields', async () => {
        const environment = captureEnvironment({ executionProvider: 'cpu', threads: 2 });
        const experiment = await createExperiment({ title: 'sort 16', kind: 'compare', config: { lengths: [16] }, environment });
        assert.equal(experiment.status, 'running');
        assert.match(experiment.slug, /^[A-Za-z0-9_-]{22}$/); // 128 bits in base64url
        await recordRun({
          experimentId: experiment.id,
          engine: 'diffusion',
          modelId: 'm',
          modelSha256: 'a'.repeat(64),
          taskId: 'sort',
          itemId: 'sort/16/s7/i0',
          prompt: 'sort: 31\n',
          requestedLength: 2,
          settings: { steps: 2, remasking: 'low_confidence', seed: 0 },
          outputText: '13',
          generatedTokens: 2,
          ttftMs: 1.25,
          totalMs: 2.5,
          forwardPasses: 2,
          passed: true,
        });
        const runs = await listRunsOfExperiment(experiment.id);
        assert.equal(runs.length, 1);
        assert.deepEqual(runs[0]!.settings, { steps: 2, remasking: 'low_confidence', seed: 0 });
        assert.equal(runs[0]!.passed, true);
        assert.equal(runs[0]!.error, null);

        const shared = await getExperimentBySlug(experiment.slug);
        assert.deepEqual(shared?.config, { lengths: [16] });
        assert.equal(shared?.environment.threads, 2);
        assert.equal(shared?.environment.node, process.versions.node);

        const finished = await finishExperiment(experiment.id, 'finished');
        assert.equal(finished.status, 'finished');
        assert.ok(finished.finishedAt instanceof Date);
        assert.equal(await countExperiments(), 1);
        assert.equal((await listRecentExperiments()).length, 1);
        assert.equal(await getExperimentBySlug('no-such-slug'), null);
      });

      test('share slugs do not repeat', async () => {
        const environment = captureEnvironment();
        const slugs = new Set<string>();
        for (let i = 0; i < 20; i++) slugs.add((await createExperiment({ title: `t${i}`, kind: 'eval', config: {}, environment })).slug);
        assert.equal(slugs.size, 20);
      });
    });

    describe(`recording experiments (lib/harness/record.ts, ${provider})`, () => {
      test('an experiment ends finished, failed when its body throws, and cancelled or interrupted when stopped', async () => {
        const { ExperimentStopped, recordExperiment } = await import('../harness/record.ts');
        const environment = captureEnvironment({ executionProvider: 'cpu', threads: 1 });
        const input = { title: 'status', kind: 'sweep' as const, config: {}, environment };
        const done = await recordExperiment(input, async () => 42);
        assert.equal(done.value, 42);
        const outcomes: string[] = [];
        for (const [body, expected] of [
          [() => Promise.reject(new Error('engine exploded')), 'failed'],
          [() => Promise.reject(new ExperimentStopped('cancelled')), 'cancelled'],
          [() => Promise.reject(new ExperimentStopped('interrupted')), 'interrupted'],
        ] as const) {
          let id = '';
          await assert.rejects(recordExperiment(input, async (e) => ((id = e.id), body())));
          const stored = (await listRecentExperiments(20)).find((e) => e.id === id);
          assert.equal(stored?.status, expected);
          assert.ok(stored?.finishedAt);
          outcomes.push(expected);
        }
        const finished = (await listRecentExperiments(20)).find((e) => e.id === done.experiment.id);
        assert.equal(finished?.status, 'finished');
        assert.deepEqual(outcomes, ['failed', 'cancelled', 'interrupted']);
      });
    });
  });
}

queryTests('SQLite');
const postgresSkip = postgresSkipReason();
if (postgresSkip) console.log(`# ${postgresSkip}`);
let postgres: TestPostgres | undefined;
after(async () => {
  await postgres?.stop();
});
queryTests('PostgreSQL', {
  skip: postgresSkip ?? false,
  databaseUrl: async () => {
    postgres = await startTestPostgres();
    return postgres.createDatabase();
  },
});
