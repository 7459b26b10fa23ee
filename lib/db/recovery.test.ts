// Crash recovery on a throwaway database: experiments left `running` by dead processes become interrupted
// (keeping their runs) when the database is opened or on demand; live ones are left alone; a resume claims an
// experiment once; a finished experiment with its runs is stored all or nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { captureEnvironment } from '../env/environment.ts';
import { currentProcess, formatOwner } from '../env/process-identity.ts';
import { closeDatabase, prepareDatabaseFile } from './client.ts';
import { countExperiments, createFinishedExperiment, getExperimentById, recoverAbandoned, reopenExperiment } from './experiments.ts';
import { listRunsOfExperiment } from './runs.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-recovery-test-'));
const file = path.join(scratch, 'recovery.db');
const previousUrl = process.env.DATABASE_URL;
const deadOwner = formatOwner({ ...currentProcess(), pid: 2 ** 22 + 12345, start: '1' }); // above Linux's pid_max
const environment = captureEnvironment({ executionProvider: 'cpu', threads: 1 });

function insertRunning(sqlite: Database.Database, owner: string | null, runs: number): string {
  const id = randomUUID();
  sqlite
    .prepare(
      `INSERT INTO Experiment (id, slug, title, kind, status, createdAt, config, environment, owner) VALUES (?, ?, 'left running', 'sweep', 'running', ?, '{}', '{}', ?)`,
    )
    .run(id, randomUUID().slice(0, 22), Date.now(), owner);
  for (let i = 0; i < runs; i++) {
    sqlite
      .prepare(
        `INSERT INTO Run (id, experimentId, engine, modelId, modelSha256, prompt, requestedLength, settings, outputText, generatedTokens, totalMs, forwardPasses, cellKey, createdAt) VALUES (?, ?, 'autoregressive', 'm', 's', 'p', 8, '{}', 'o', 1, 1, 1, ?, ?)`,
      )
      .run(randomUUID(), id, `cell-${i}`, Date.now());
  }
  return id;
}

let dead: string, live: string, legacy: string;
before(() => {
  process.env.DATABASE_URL = `file:${file}`;
  prepareDatabaseFile(file);
  const sqlite = new Database(file);
  dead = insertRunning(sqlite, deadOwner, 3);
  live = insertRunning(sqlite, formatOwner(currentProcess()), 1);
  legacy = insertRunning(sqlite, null, 0);
  sqlite.close();
});
after(async () => {
  await closeDatabase();
  process.env.DATABASE_URL = previousUrl;
  rmSync(scratch, { recursive: true, force: true });
});

test('opening the database marks the experiments of dead processes interrupted, runs kept', async () => {
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
  let deadNow;
  try {
    deadNow = await getExperimentById(dead); // first use opens the database
  } finally {
    process.stderr.write = write;
  }
  assert.equal(deadNow?.status, 'interrupted');
  assert.ok(deadNow?.finishedAt);
  assert.equal((await listRunsOfExperiment(dead)).length, 3);
  assert.equal((await getExperimentById(legacy))?.status, 'interrupted');
  assert.equal((await getExperimentById(live))?.status, 'running'); // this process is alive
  const line = stderr.find((l) => l.includes(dead));
  assert.match(line ?? '', /marked interrupted with its 3 stored runs; resume it with "dlm bench --resume /);
  assert.equal(deadNow && 'owner' in deadNow, false, 'the owner is never part of an experiment as shown');
});

test('a process that dies later is recovered on demand; a resume claims the experiment exactly once', async () => {
  const sqlite = new Database(file);
  const later = insertRunning(sqlite, deadOwner, 2);
  sqlite.close();
  const recovered = await recoverAbandoned();
  assert.deepEqual(
    recovered.map((r) => [r.id, r.runs]),
    [[later, 2]],
  );
  assert.equal((await getExperimentById(later))?.status, 'interrupted');
  const [first, second] = await Promise.all([reopenExperiment(later), reopenExperiment(later)]);
  assert.equal([first, second].filter(Boolean).length, 1);
  assert.equal((await getExperimentById(later))?.status, 'running');
  assert.deepEqual(await recoverAbandoned(), []); // now owned by this live process
});

test('a finished experiment with its runs is stored in one transaction, or not at all', async () => {
  const input = { title: 'pair', kind: 'compare' as const, config: {}, environment };
  const run = {
    engine: 'autoregressive' as const,
    modelId: 'm',
    modelSha256: 's',
    prompt: 'p',
    requestedLength: 8,
    settings: {},
    outputText: 'o',
    generatedTokens: 1,
    totalMs: 1,
    forwardPasses: 1,
  };
  const stored = await createFinishedExperiment(input, [run, { ...run, engine: 'diffusion' }]);
  assert.equal(stored.status, 'finished');
  assert.equal((await listRunsOfExperiment(stored.id)).length, 2);
  const before = await countExperiments();
  // The second run breaks the (experiment, cell) uniqueness: the experiment and the first run roll back too.
  await assert.rejects(
    createFinishedExperiment(input, [
      { ...run, cellKey: 'k' },
      { ...run, cellKey: 'k' },
    ]),
  );
  assert.equal(await countExperiments(), before);
});
