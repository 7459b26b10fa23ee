// A remote model folder pointing at this app's own /v1 (the bundled AR model behind HTTP, set up in
// playwright.config.ts) works wherever a model id does: dlm generate, dlm compare --models, a stored sweep whose
// runs are labelled remote, and the playground's AR panel. Its outputs equal the local model's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './pages/playground-page';

const REMOTE = 'e2e-remote-ar';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-e2e-remote-'));
const env = { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'cli.db')}` }; // DLM_MODELS_DIR comes from the config
const dlm = (...args: string[]) => execFileSync(process.execPath, ['bin/dlm.mjs', ...args], { encoding: 'utf8', env, timeout: 120_000 });

test('dlm generate and dlm compare --models run the remote folder, labelled remote, equal to the local model', () => {
  const local = JSON.parse(dlm('generate', '--model', 'tiny-llama-ar', '--prompt', 'reverse: k3x9ab\\n', '--max-tokens', '12', '--json'));
  const remote = JSON.parse(dlm('generate', '--model', REMOTE, '--prompt', 'reverse: k3x9ab\\n', '--max-tokens', '12', '--json'));
  expect(remote.text).toBe(local.text);
  expect(remote.text).toBe('ba9x3k');
  expect(remote.hardware).toMatch(/^remote, network included \(127\.0\.0\.1:\d+\)$/);

  const compared = JSON.parse(
    dlm('compare', '--models', `${REMOTE},tiny-llama-diffusion`, '--prompt', 'copy: abcd\\n', '--max-tokens', '4', '--repeats', '1', '--json', '--no-store'),
  );
  const remoteRow = compared.runs.find((r: { model: string }) => r.model === REMOTE);
  expect(remoteRow.output).toBe('abcd');
  expect(remoteRow.measuredOn).toMatch(/remote, network included \(127\.0\.0\.1:\d+\)/);
});

test('a stored sweep with the remote folder on the AR side stores runs labelled remote', () => {
  const spec = path.join(scratch, 'spec.json');
  writeFileSync(
    spec,
    JSON.stringify({
      title: 'e2e remote sweep',
      models: { autoregressive: REMOTE },
      tasks: ['copy'],
      lengths: [8],
      itemsPerLength: 3,
      diffusion: { steps: 'L' },
      warmup: 0,
    }),
  );
  const { experimentId } = JSON.parse(dlm('bench', '--spec', spec, '--json'));
  const exported = JSON.parse(dlm('export', experimentId, '--format', 'json'));
  const remoteRuns = exported.runs.filter((r: { model: string }) => r.model === REMOTE);
  expect(remoteRuns).toHaveLength(3);
  for (const run of remoteRuns) {
    expect(run.remote).toMatch(/^remote, network included \(127\.0\.0\.1:\d+\)$/);
    expect(run.passed).toBe(true);
  }
});

test('the playground runs the remote folder in the AR panel', async ({ page }) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await page.getByTestId('ar-model').selectOption(REMOTE);
  await playground.pickItem('copy', 8, 0);
  const expected = (await page.getByTestId('item-expected').textContent())!;
  await playground.run.click();
  await expect(playground.summary).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('ar-output')).toHaveText(expected);
  await expect(playground.verdict(playground.arPanel)).toHaveText('✓ pass');
  await expect(page.getByTestId('ar-remote')).toContainText('network');
});
