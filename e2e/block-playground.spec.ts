// The playground's third panel: with models/tiny-llama-block-diffusion present, the block-diffusion canvas
// streams after the pair, growing one block of masks at a time with each block denoising, and ends with its
// output, verdict and counters; unticking "Run" leaves the pair's two panels.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './pages/playground-page';

const blockModelHere = existsSync(path.join(process.cwd(), 'models', 'tiny-llama-block-diffusion', 'onnx', 'model.onnx'));

test.skip(!blockModelHere, 'no block-diffusion model folder');

test('the block panel streams its canvas block by block', async ({ page }, testInfo) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await expect(page.getByTestId('block-settings')).toBeVisible();
  await playground.pickItem('copy', 8, 0);
  await page.getByTestId('bd-maxNewTokens').fill('48'); // two blocks of 32 at most
  await page.getByTestId('bd-steps').fill('L/4');
  // Every (cells, masked cells) state the block canvas shows while the run streams.
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { blockStates: Set<string> }).blockStates = seen;
    new MutationObserver(() => {
      const canvas = document.querySelector('[data-testid="block-canvas"]');
      if (canvas) seen.add(`${canvas.children.length}/${canvas.querySelectorAll('.cell.masked').length}`);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await playground.run.click();
  const panel = page.getByTestId('block-panel');
  await expect(panel).toBeVisible();
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('block-output')).toBeVisible();
  await expect(playground.verdict(panel)).toHaveText(/✓ pass|✗ fail/);
  await expect(page.getByTestId('block-speedup')).toHaveText(/^\d+\.\d\d×$/);
  const nfe = Number(await panel.getByTestId('nfe').textContent());
  expect(nfe).toBeGreaterThanOrEqual(2); // the prompt's forward and at least one step
  const states = await page.evaluate(() => [...(window as unknown as { blockStates: Set<string> }).blockStates].map((s) => s.split('/').map(Number)));
  expect(
    states.every(([cells]) => cells! % 32 === 0),
    `block canvas sizes: ${JSON.stringify(states)}`,
  ).toBe(true);
  expect(
    states.some(([cells, masked]) => cells === 32 && masked! > 0 && masked! < 32),
    'a partly denoised first block',
  ).toBe(true);
  // Replay: step 0 is one block of masks.
  await page.getByTestId('block-replay').fill('0');
  await expect(page.getByTestId('block-canvas')).toHaveText(/^·{32}$/);
  await page.screenshot({ path: testInfo.outputPath('block-playground.png'), fullPage: true });

  await page.getByTestId('bd-run').uncheck();
  await expect(panel).toHaveCount(0);
});
