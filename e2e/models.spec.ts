import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { ModelsPage } from './pages/models-page';

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

test('models page lists every model that `dlm models` finds', async ({ page }, testInfo) => {
  const models = new ModelsPage(page);
  await models.goto();
  await expect(page).toHaveTitle(/Diffusion Playground/);
  await expect(models.heading).toHaveText('Models');
  const listed = modelsFromCli();
  await expect(models.modelRows).toHaveCount(listed.length);
  for (const model of listed) {
    const row = models.row(model.id);
    await expect(row).toContainText(model.decoding ?? '—');
    if (model.parameters !== null) await expect(row).toContainText(model.parameters.toLocaleString('en-US'));
    if (model.contextLength !== null) await expect(row).toContainText(String(model.contextLength));
    if (model.sha256) await expect(row).toContainText(model.sha256.slice(0, 16));
  }
  await page.screenshot({ path: testInfo.outputPath('models.png'), fullPage: true });
});
