// Sweeps through the real UI: a bad form value shows its field's message; a small sweep started from the
// form runs in the background, finishes, and its page has non-empty charts; its share link, opened in a
// fresh browser context, shows the same report with no control that changes anything, and every mutating
// route refuses the slug.
import { expect, test } from '@playwright/test';
import { ExperimentsPage, ReportPage } from './pages/experiments-page';

test('a bad form value shows its field message', async ({ page }) => {
  const experiments = new ExperimentsPage(page);
  await experiments.goto();
  await experiments.lengths.fill('8,0');
  await experiments.start.click();
  await expect(experiments.fieldError('lengths')).toContainText('lengths[1]: must be an integer in [1, 1024]');
  await experiments.lengths.fill('8');
  await experiments.steps.fill('L/0');
  await experiments.start.click();
  await expect(experiments.fieldError('steps')).toContainText('must be a positive integer, "L" or "L/N"');
});

test('a sweep from the form finishes with charts, and its share link is read-only', async ({ page, browser, request }, testInfo) => {
  test.setTimeout(180_000);
  const experiments = new ExperimentsPage(page);
  await experiments.goto();
  await experiments.title.fill('e2e sweep');
  await experiments.lengths.fill('8,16');
  await experiments.items.fill('2');
  await experiments.steps.fill('L,L/4');
  await experiments.threshold.fill('0.9');
  await experiments.start.click();
  await expect(experiments.progress).toBeVisible();
  await expect(experiments.progress).toHaveAttribute('data-status', 'finished', { timeout: 150_000 });
  await page.screenshot({ path: testInfo.outputPath('experiments.png'), fullPage: true });
  await expect(experiments.historyRows.filter({ hasText: 'e2e sweep' })).toHaveCount(1);
  await experiments.openResults.click();

  const report = new ReportPage(page);
  await expect(report.title).toHaveText('e2e sweep');
  for (const chart of ['latency', 'speedup', 'pass-rate', 'frontier', 'tokens-per-step']) {
    await expect(report.chart(chart).locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(report.chart(chart).locator('.recharts-line-curve, .recharts-scatter-symbol').first()).toBeAttached();
  }
  await expect(report.chart('latency')).toContainText('CPU');
  await expect(report.runRows).toHaveCount(2 * 2 * 4); // lengths × items × (AR + 3 diffusion settings)
  await expect(report.environment).toContainText('execution provider');
  await page.screenshot({ path: testInfo.outputPath('experiment.png'), fullPage: true });

  const shareUrl = (await report.shareUrl.textContent())!;
  const sharePath = new URL(shareUrl).pathname;
  const slug = sharePath.split('/').pop()!;
  const experimentId = new URL(page.url()).pathname.split('/').pop()!;

  const stranger = await browser.newContext();
  const shared = await stranger.newPage();
  await shared.goto(sharePath);
  await expect(shared.getByTestId('experiment-title')).toHaveText('e2e sweep');
  await expect(shared.locator('meta[property="og:title"]')).toHaveAttribute('content', /e2e sweep/);
  await expect(shared.locator('meta[property="og:description"]')).toHaveAttribute('content', /runs measured on CPU/);
  await expect(shared.locator('form')).toHaveCount(0);
  await expect(shared.getByRole('button', { name: /run|stop|start|cancel|delete|save|overlay/i })).toHaveCount(0);
  await expect(shared.getByTestId('overlay')).toHaveCount(0);
  await expect(shared.getByTestId('chart-latency').locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  await shared.screenshot({ path: testInfo.outputPath('share.png'), fullPage: true });
  await stranger.close();

  // A slug opens its share page and nothing else: every route that changes or reads by id refuses it.
  for (const [method, path] of [
    ['POST', `/api/experiments/${slug}/cancel`],
    ['GET', `/api/experiments/${slug}`],
    ['GET', `/api/experiments/${slug}/export?format=json`],
    ['GET', `/api/experiments/${slug}/progress`],
  ] as const) {
    const response = await request.fetch(path, { method });
    expect(response.status(), `${method} ${path}`).toBe(404);
  }
  expect((await request.get(`/experiments/${slug}`)).status()).toBe(404);
  // The id still works where it should.
  expect((await request.get(`/api/experiments/${experimentId}/export?format=csv`)).status()).toBe(200);
});
