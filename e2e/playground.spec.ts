// The playground through the real UI: both panels stream, the diffusion canvas passes through intermediate
// states, the verdicts show, Stop aborts, bad values name their field; usable at 390 px.
import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './pages/playground-page';

test('a copy item streams through both engines, shows intermediate canvases and pass marks', async ({ page }, testInfo) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await expect(playground.heading).toHaveText('Playground');
  await expect(playground.experimentCount).toHaveText(/\d+ experiments? stored/);
  await playground.pickItem('copy', 8, 0);
  const expected = (await page.getByTestId('item-expected').textContent())!;
  expect(expected).toHaveLength(8);

  // Record every canvas state the page shows while the run streams.
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { canvasStates: Set<string> }).canvasStates = seen;
    new MutationObserver(() => {
      const canvas = document.querySelector('[data-testid="canvas"]');
      if (canvas) seen.add(canvas.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await playground.run.click();
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
  // The canvas shows one step per frame, so it may still be catching up when the stream has ended.
  await expect(playground.canvas).not.toContainText('·');
  const states = await page.evaluate(() => [...(window as unknown as { canvasStates: Set<string> }).canvasStates]);
  const intermediate = states.filter((s) => s.includes('·') && /[^·]/.test(s));
  expect(intermediate.length, `canvas states seen: ${JSON.stringify(states)}`).toBeGreaterThan(1);

  await expect(page.getByTestId('ar-output')).toHaveText(expected);
  await expect(playground.verdict(playground.arPanel)).toHaveText('✓ pass');
  await expect(playground.verdict(playground.diffusionPanel)).toHaveText(/✓ pass|✗ fail/);
  const diffusionOutput = (await page.getByTestId('diffusion-output').textContent())!;
  await expect(playground.verdict(playground.diffusionPanel)).toHaveText(diffusionOutput === expected ? '✓ pass' : '✗ fail');
  await expect(page.getByTestId('speedup')).toHaveText(/^\d+\.\d\d×$/);
  await expect(playground.diffusionPanel.getByTestId('nfe')).toHaveText(/^[1-8]$/);

  // Replay: step 0 is an all-mask canvas, the last step the final one.
  const slider = page.getByTestId('replay');
  await slider.fill('0');
  await expect(playground.canvas).toHaveAttribute('data-step', '0');
  await expect(playground.canvas).toHaveText(/^·+$/);
  await page.screenshot({ path: testInfo.outputPath('playground.png'), fullPage: true });
});

test('a bad value shows its field message and runs nothing', async ({ page }) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await page.getByTestId('threads').fill('999');
  await playground.run.click();
  await expect(page.getByTestId('error-threads')).toContainText('threads: must be an integer in [1, 16]');
  await page.getByTestId('df-steps').fill('L/0');
  await page.getByTestId('threads').fill('');
  await playground.run.click();
  await expect(page.getByTestId('error-diffusion.steps')).toContainText('must be a positive integer, "L" or "L/N"');
  await expect(playground.summary).toHaveCount(0);
});

test('Stop aborts a long run', async ({ page }) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await playground.pickItem('copy', 256, 0);
  await playground.run.click();
  await expect(playground.stop).toBeEnabled();
  await playground.stop.click();
  await expect(playground.run).toBeEnabled({ timeout: 10_000 });
  await expect(playground.summary).toHaveCount(0);
});

test('usable at 390 px wide', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const playground = new PlaygroundPage(page);
  await playground.goto();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await playground.run.focus();
  await page.keyboard.press('Enter');
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath('playground-390.png'), fullPage: true });
});

test('serving: one decode at a time per model, a bounded queue, then 429 with Retry-After; bad input is a 400 naming the field', async ({ request }) => {
  const body = { item: { task: 'copy', length: 128, index: 0 }, store: false };
  // One running and four waiting fit (the default queue depth); the rest are refused at once.
  const responses = await Promise.all(Array.from({ length: 8 }, () => request.post('/api/playground', { data: body })));
  const statuses = responses.map((r) => r.status());
  const refused = responses.filter((r) => r.status() === 429);
  expect(refused.length, `statuses: ${statuses.join(',')}`).toBeGreaterThan(0);
  for (const r of refused) {
    expect(Number(r.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await r.json()).error).toMatch(/is busy/);
  }
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
  for (const [payload, field] of [
    [{ prompt: '' }, 'prompt'],
    [{ prompt: 'x'.repeat(3000) }, 'prompt'],
    [{ prompt: 'copy: a\n', diffusion: { blockLength: 'big' } }, 'diffusion.blockLength'],
    [{ prompt: 'copy: a\n', autoregressive: { topP: 2 } }, 'autoregressive.topP'],
    [{ item: { task: 'copy', length: 9999 } }, 'item.length'],
    [{ prompt: 'copy: a\n', diffusion: { cache: 'full' } }, 'diffusion.cache'],
  ] as const) {
    const response = await request.post('/api/playground', { data: payload });
    expect(response.status(), JSON.stringify(payload).slice(0, 80)).toBe(400);
    expect((await response.json()).field).toBe(field);
  }
  const notJson = await request.post('/api/playground', { data: 'not json', headers: { 'content-type': 'application/json' } });
  expect(notJson.status()).toBe(400);
});
