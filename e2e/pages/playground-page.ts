// Page object for `/`: the playground.
import type { Locator, Page } from '@playwright/test';

export class PlaygroundPage {
  readonly heading: Locator;
  readonly run: Locator;
  readonly stop: Locator;
  readonly arPanel: Locator;
  readonly diffusionPanel: Locator;
  readonly canvas: Locator;
  readonly summary: Locator;
  readonly experimentCount: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.run = page.getByTestId('run');
    this.stop = page.getByTestId('stop');
    this.arPanel = page.getByTestId('ar-panel');
    this.diffusionPanel = page.getByTestId('diffusion-panel');
    this.canvas = page.getByTestId('canvas');
    this.summary = page.getByTestId('summary');
    this.experimentCount = page.getByTestId('experiment-count');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
  }

  async pickItem(task: string, length: number, index: number): Promise<void> {
    await this.page.getByTestId('item-task').selectOption(task);
    await this.page.getByTestId('item-length').fill(String(length));
    await this.page.getByTestId('item-index').fill(String(index));
  }

  verdict(panel: Locator): Locator {
    return panel.getByTestId('verdict');
  }
}
