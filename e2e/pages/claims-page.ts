// Page object for `/claims`: one card per claim with its verdict, chart, source, "Run this here" and share link.
import type { Locator, Page } from '@playwright/test';

export class ClaimsPage {
  readonly heading: Locator;
  readonly cards: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.cards = page.locator('section.claim');
  }

  async goto(): Promise<void> {
    await this.page.goto('/claims');
  }

  card(id: string): Locator {
    return this.page.getByTestId(`claim-${id}`);
  }

  verdict(id: string): Locator {
    return this.card(id).getByTestId('verdict');
  }

  chart(id: string): Locator {
    return this.card(id).getByTestId(`chart-claim-${id}`);
  }

  source(id: string): Locator {
    return this.card(id).getByTestId('source');
  }

  runHere(id: string): Locator {
    return this.card(id).getByTestId('run-here');
  }

  shareLink(id: string): Locator {
    return this.card(id).getByTestId('share-link');
  }
}
