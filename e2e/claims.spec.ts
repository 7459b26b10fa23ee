// /claims on a database seeded with one hand-built experiment per claim: five cards, each with the verdict the
// seeded runs decide, its chart and where its numbers came from; the share link opens that experiment's
// read-only report; "Run this here" starts the claim's preset sweep through the sweep machinery (cancelled at
// once here, so the next tests find the server idle); the playground links to the page.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ClaimsPage } from './pages/claims-page';

const VERDICTS: Record<string, string> = {
  'fast-at-matched-quality': 'holds',
  'gap-widens': 'holds',
  'constant-steps': 'does not hold',
  'fixed-length': 'not enough evidence',
  'sequential-reasoning': 'holds',
};

let seeded: Record<string, { id: string; slug: string }>;

test.beforeAll(() => {
  // The server's database (playwright.config.ts puts its folder in DLM_E2E_SCRATCH for the workers).
  const database = `file:${path.join(process.env.DLM_E2E_SCRATCH!, 'e2e.db')}`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'e2e/claims-seed.ts'], { env: { ...process.env, DATABASE_URL: database }, encoding: 'utf8' });
  seeded = JSON.parse(out.trim().split('\n').pop()!) as typeof seeded;
});

test('the five claims show the verdicts their stored runs decide, with chart and source', async ({ page }, testInfo) => {
  const claims = new ClaimsPage(page);
  await claims.goto();
  await expect(claims.heading).toHaveText(/claims, checked here/);
  await expect(claims.cards).toHaveCount(5);
  for (const [id, verdict] of Object.entries(VERDICTS)) {
    await expect(claims.verdict(id)).toHaveText(verdict);
    await expect(claims.chart(id).locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await expect(claims.source(id)).toContainText(`experiment ${seeded[id]!.id.slice(0, 8)}`);
    await expect(claims.source(id)).toContainText('CPU');
    await expect(claims.source(id)).toContainText('tiny-llama-diffusion (local)');
    await expect(claims.shareLink(id)).toHaveAttribute('href', `/share/${seeded[id]!.slug}`);
  }
  await expect(claims.card('fixed-length')).toContainText('block side: not enough evidence');
  await expect(claims.card('fast-at-matched-quality')).toContainText('speedup 5.00×');
  await page.screenshot({ path: testInfo.outputPath('claims.png'), fullPage: true });

  await claims.shareLink('gap-widens').click();
  await expect(page).toHaveURL(new RegExp(`/share/${seeded['gap-widens']!.slug}$`));
  await expect(page.getByTestId('experiment-title')).toHaveText(/^claim gap-widens: /);
});

test('the playground links to the claims', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('claims-link').click();
  await expect(page).toHaveURL(/\/claims$/);
});

test('"Run this here" starts the claim’s preset sweep in the background', async ({ page }) => {
  test.setTimeout(120_000);
  const claims = new ClaimsPage(page);
  await claims.goto();
  await claims.runHere('fixed-length').click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await expect(page.getByTestId('experiment-title')).toHaveText('claim fixed-length: Output length must be fixed in advance.');
  await page.getByTestId('cancel-sweep').click();
  await expect(page.getByTestId('resume-banner')).toBeVisible({ timeout: 60_000 });
  // The verdict still comes from the finished (seeded) experiment; the card names the newer, cancelled one.
  const started = new URL(page.url()).pathname.split('/').pop()!;
  await claims.goto();
  await expect(claims.source('fixed-length')).toContainText(seeded['fixed-length']!.id.slice(0, 8));
  await expect(claims.card('fixed-length').getByTestId('newer')).toContainText(`experiment ${started.slice(0, 8)}`);
  await expect(claims.card('fixed-length').getByTestId('newer')).toContainText('cancelled');
});
