import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { HomePage } from './pages/home-page';

interface ListedModel {
  id: string;
  decoding: string | null;
  parameters: number | null;
  contextLength: number | null;
  sha256: string | null;
}

// The CLI is the reference: the page must show the same models with the same facts.
function modelsFromCli(): ListedModel[] {
  const out = execFileSync(process.execPath, ['bin/dlm.mjs', 'models', '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as ListedModel[];
}

test('home page lists every model that `dlm models` finds', async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await expect(page).toHaveTitle(/Diffusion Playground/);
  await expect(home.heading).toHaveText('Models');
  const models = modelsFromCli();
  if (models.length === 0) {
    await expect(home.noModels).toBeVisible();
    return;
  }
  await expect(home.modelRows).toHaveCount(models.length);
  for (const model of models) {
    const row = home.row(model.id);
    await expect(row).toContainText(model.decoding ?? '—');
    if (model.parameters !== null) await expect(row).toContainText(model.parameters.toLocaleString('en-US'));
    if (model.contextLength !== null) await expect(row).toContainText(String(model.contextLength));
    if (model.sha256) await expect(row).toContainText(model.sha256.slice(0, 16));
  }
});

test('home page reads the (fresh, migrated) database', async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await expect(home.experimentCount).toHaveText(/^\d+ experiments? stored\.$/);
});
