// Page object for `/models`: the model list.
import type { Locator, Page } from '@playwright/test';

export class ModelsPage {
  readonly heading: Locator;
  readonly modelRows: Locator;
  readonly noModels: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.modelRows = page.getByTestId('model-row');
    this.noModels = page.getByTestId('no-models');
  }

  async goto(): Promise<void> {
    await this.page.goto('/models');
  }

  row(modelId: string): Locator {
    return this.page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`);
  }
}
