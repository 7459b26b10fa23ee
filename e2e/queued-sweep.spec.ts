// The dashboard on PostgreSQL (a throwaway local cluster; skipped when the server binaries are absent): a sweep
// started from the API is queued, not run in the server, and its page says no worker is alive; a `dlm worker`
// then runs its cells, the page lists it (host, hardware, cells done) and reloads with every run when it ends.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { postgresSkipReason, startTestPostgres, type TestPostgres } from '../lib/db/test-postgres.ts';
import { ReportPage } from './pages/experiments-page';
import { TestServer } from './server';

test.describe.configure({ mode: 'serial' });
const skip = postgresSkipReason();
test.skip(skip !== null, skip ?? '');

const SPEC = { title: 'queued from the app', tasks: ['copy'], lengths: [8], itemsPerLength: 2, diffusion: { steps: 'L' }, warmup: 0, threads: 1 };
const TOTAL = 2 * 2; // items × (AR + diffusion)

let postgres: TestPostgres;
let server: TestServer;
let databaseUrl = '';
let worker: ChildProcess | null = null;
test.beforeAll(async () => {
  if (skip) return;
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase();
  server = new TestServer({ DATABASE_URL: databaseUrl });
});
test.afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  server?.dispose();
  await postgres?.stop();
});

test('a sweep from the app waits for a worker, then shows its progress per worker and every run', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  await server.start();
  const started = await fetch(`${server.url}/api/experiments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SPEC) });
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: string };

  await page.goto(`${server.url}/experiments/${id}`);
  const report = new ReportPage(page);
  await expect(report.status).toHaveText('queued');
  await expect(report.noWorkerAlive).toContainText('Queued, no worker alive');
  await expect(report.workersPanel).toContainText(`0 of ${TOTAL} runs stored`);
  await expect(report.runRows).toHaveCount(0); // nothing ran in the server
  await page.screenshot({ path: testInfo.outputPath('queued-no-worker.png'), fullPage: true });

  let stderr = '';
  worker = spawn(process.execPath, [path.join('bin', 'dlm.mjs'), 'worker', '--name', 'e2e-worker', '--until-idle'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  worker.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => worker!.on('exit', resolve));

  await expect(report.status).toHaveText('finished', { timeout: 90_000 }); // the panel reloads the page when the sweep ends
  expect(await exited, stderr).toBe(0);
  await expect(report.runRows).toHaveCount(TOTAL);
  const row = report.worker('e2e-worker');
  await expect(row).toContainText(/CPU: .+, 1 thread/);
  await expect(row.locator('td').nth(3)).toHaveText(String(TOTAL)); // cells done
  await expect(row).toHaveAttribute('data-state', 'stopped');
  await expect(report.noWorkerAlive).toHaveCount(0);
  await expect(report.chart('latency')).toContainText('Latency vs output length (copy)'); // charted, though the page opened with no run
  await expect(report.chart('latency')).not.toContainText('No data for this chart');
  await expect(report.chart('latency')).toContainText('measured on CPU');
  await page.screenshot({ path: testInfo.outputPath('queued-finished.png'), fullPage: true });
});
