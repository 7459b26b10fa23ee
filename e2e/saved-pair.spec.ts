// A pair saved from the playground opens as the side-by-side it was: both outputs with their verdicts and
// timings, and the speedup; no chart against length (one prompt has no curve). A free prompt that lacks its
// trailing newline gets the hint.
import { expect, test } from '@playwright/test';
import { ReportPage } from './pages/experiments-page';
import { PlaygroundPage } from './pages/playground-page';

test('a saved playground pair opens as its side-by-side', async ({ page }, testInfo) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await playground.pickItem('copy', 8, 0);
  await playground.run.click();
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
  const speedup = (await page.getByTestId('speedup').textContent())!;
  const arVerdict = (await playground.verdict(playground.arPanel).textContent())!;
  await page.getByRole('link', { name: /experiment [0-9a-f]{8}/ }).click();

  const report = new ReportPage(page);
  const pair = page.getByTestId('pair-view');
  await expect(pair).toBeVisible();
  await expect(pair.getByTestId('pair-output')).toHaveCount(2);
  await expect(page.getByTestId('pair-autoregressive').getByTestId('pair-verdict')).toHaveText(arVerdict);
  await expect(pair.getByTestId('pair-speedup')).toContainText(speedup);
  await expect(pair).toContainText('expected');
  await expect(report.chart('speedup')).toHaveCount(0);
  await expect(page.getByText('No data for this chart')).toHaveCount(0);
  await expect(report.runRows).toHaveCount(2);
  await expect(report.runRows.nth(0).locator('td').nth(3)).toHaveText('8'); // both keyed by the item's length
  await expect(report.runRows.nth(1).locator('td').nth(3)).toHaveText('8');
  await page.screenshot({ path: testInfo.outputPath('saved-pair.png'), fullPage: true });
});

test('a task prompt without its trailing newline gets a one-line hint', async ({ page }) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await page.getByLabel('Free prompt').check();
  await page.getByTestId('prompt').fill('sort: 3141');
  await page.getByTestId('df-maxNewTokens').fill('4');
  await page.getByTestId('ar-maxNewTokens').fill('4');
  await playground.run.click();
  await expect(page.getByTestId('prompt-hint')).toContainText('a sort prompt without its trailing newline');
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
});
