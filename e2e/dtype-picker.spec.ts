// The playground's ONNX variant picker: shown only for a model with more than one variant it can load, and the
// variant picked is what the request asks for and what runs. The fixture folder (the bundled AR model plus a
// model_fp16.onnx that is the same graph with one unknown protobuf field) lives in the e2e models folder for
// this spec only.
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PlaygroundPage } from './pages/playground-page';

const VARIANTS = 'e2e-ar-variants';
const folder = path.join(process.env.DLM_MODELS_DIR!, VARIANTS); // set by playwright.config.ts for the server too

test.beforeAll(() => {
  const bundled = path.join(process.cwd(), 'models', 'tiny-llama-ar');
  mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    symlinkSync(path.join(bundled, file), path.join(folder, file));
  symlinkSync(path.join(bundled, 'onnx', 'model.onnx'), path.join(folder, 'onnx', 'model.onnx'));
  copyFileSync(path.join(bundled, 'onnx', 'model.onnx'), path.join(folder, 'onnx', 'model_fp16.onnx'));
  writeFileSync(path.join(folder, 'onnx', 'model_fp16.onnx'), Buffer.from([0xc2, 0x3e, 0x01, 0x78]), { flag: 'a' });
});
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

test('the variant picker shows for a model with two variants, and the run uses the one picked', async ({ page }) => {
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await expect(page.getByTestId('ar-dtype')).toHaveCount(0); // the bundled model has one graph
  await expect(page.getByTestId('df-dtype')).toHaveCount(0);
  await page.getByTestId('ar-model').selectOption(VARIANTS);
  const picker = page.getByTestId('ar-dtype');
  await expect(picker.locator('option')).toHaveText(['fp32', 'fp16']);
  await picker.selectOption('fp16');

  await playground.pickItem('copy', 8, 0);
  const expected = (await page.getByTestId('item-expected').textContent())!;
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/playground') && r.method() === 'POST');
  await playground.run.click();
  expect((await sent).postDataJSON()).toMatchObject({ models: { autoregressive: VARIANTS }, dtype: { autoregressive: 'fp16' } });
  await expect(playground.summary).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('ar-output')).toHaveText(expected); // the same graph: the same answer

  await page.getByTestId('ar-model').selectOption('tiny-llama-ar');
  await expect(page.getByTestId('ar-dtype')).toHaveCount(0);
});
