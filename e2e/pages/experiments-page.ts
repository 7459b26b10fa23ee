// Page objects for `/experiments` (form, progress, history) and an experiment's report page.
import type { Locator, Page } from '@playwright/test';

export class ExperimentsPage {
  readonly title: Locator;
  readonly lengths: Locator;
  readonly items: Locator;
  readonly steps: Locator;
  readonly threshold: Locator;
  readonly start: Locator;
  readonly progress: Locator;
  readonly openResults: Locator;
  readonly historyRows: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByTestId('sweep-title');
    this.lengths = page.getByTestId('sweep-lengths');
    this.items = page.getByTestId('sweep-items');
    this.steps = page.getByTestId('sweep-steps');
    this.threshold = page.getByTestId('sweep-threshold');
    this.start = page.getByTestId('start-sweep');
    this.progress = page.getByTestId('sweep-progress');
    this.openResults = page.getByTestId('open-experiment');
    this.historyRows = page.getByTestId('history-row');
  }

  async goto(): Promise<void> {
    await this.page.goto('/experiments');
  }

  fieldError(field: string): Locator {
    return this.page.getByTestId(`error-${field}`);
  }
}

export class ReportPage {
  readonly title: Locator;
  readonly shareUrl: Locator;
  readonly runRows: Locator;
  readonly environment: Locator;
  readonly status: Locator;
  readonly resumeBanner: Locator;
  readonly resume: Locator;
  readonly progress: Locator;
  readonly workersPanel: Locator; // a queued sweep's workers (PostgreSQL)
  readonly noWorkerAlive: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByTestId('experiment-title');
    this.status = page.getByTestId('experiment-status');
    this.resumeBanner = page.getByTestId('resume-banner');
    this.resume = page.getByTestId('resume');
    this.progress = page.getByTestId('sweep-progress');
    this.workersPanel = page.getByTestId('workers-panel');
    this.noWorkerAlive = page.getByTestId('no-worker-alive');
    this.shareUrl = page.getByTestId('share-url');
    this.runRows = page.getByTestId('run-row');
    this.environment = page.getByTestId('environment');
  }

  chart(id: string): Locator {
    return this.page.getByTestId(`chart-${id}`);
  }

  worker(name: string): Locator {
    return this.page.locator(`[data-testid="worker-row"][data-worker="${name}"]`);
  }
}
