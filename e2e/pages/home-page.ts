// Page object for `/`: the model list and the stored-results line.
import type { Locator, Page } from '@playwright/test';

export class HomePage {
  readonly heading: Locator;
  readonly modelRows: Locator;
  readonly noModels: Locator;
  readonly experimentCount: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.modelRows = page.getByTestId('model-row');
    this.noModels = page.getByTestId('no-models');
    this.experimentCount = page.getByTestId('experiment-count');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
  }

  row(modelId: string): Locator {
    return this.page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`);
  }
}
