// End-to-end tests: the built app served by `next start` on a throwaway database, in Debian's Chromium.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3210);
// In the environment, so test workers (which load this file again) find the server's database to seed it.
const scratch = (process.env.DLM_E2E_SCRATCH ??= mkdtempSync(path.join(os.tmpdir(), 'dlm-e2e-')));

// A remote model folder pointing at the e2e server's own /v1 (the bundled AR model through HTTP): e2e/remote-model.spec.ts.
const E2E_REMOTE_MODEL = 'e2e-remote-ar';
const e2eModelsDir = path.join(scratch, 'models');
process.env.DLM_MODELS_DIR = e2eModelsDir; // the server and the CLI runs in tests see the same models
mkdirSync(path.join(e2eModelsDir, E2E_REMOTE_MODEL), { recursive: true });
writeFileSync(
  path.join(e2eModelsDir, E2E_REMOTE_MODEL, 'config.json'),
  JSON.stringify({
    decoding: 'remote',
    base_url: `http://127.0.0.1:${port}/v1`,
    model: 'tiny-llama-ar',
    paradigm: 'autoregressive',
    chat: false,
    timeout_s: 30,
  }),
);

export default defineConfig({
  testDir: './e2e',
  workers: 1,
  timeout: 60_000,
  outputDir: 'e2e/artifacts', // screenshots of every page, kept as artifacts (git-ignored)
  reporter: [['list'], ['json']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    },
  },
  webServer: {
    command: `node node_modules/next/dist/bin/next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 120_000,
    // No rate limit on the shared server (specs would throttle each other); e2e/token.spec.ts tests it on its own.
    env: { DATABASE_URL: `file:${path.join(scratch, 'e2e.db')}`, DLM_RATE_LIMIT: 'off', DLM_MODELS_DIR: e2eModelsDir },
  },
});
