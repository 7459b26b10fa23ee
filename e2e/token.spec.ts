// A server with DLM_TOKEN set (its own, on loopback): requests that run or change anything need the bearer
// token (401 otherwise, OpenAI's error shape under /v1) while pages and GET routes stay readable; the dashboard
// asks for the token once, in a dialog, keeps it for the tab and sends it on every mutating request; the
// routes that run models are rate-limited per client (429 with Retry-After).
import { expect, test } from '@playwright/test';
import { ExperimentsPage } from './pages/experiments-page';
import { TestServer } from './server';

const TOKEN = 'e2e-token-0123456789abcdef';

test.describe.configure({ mode: 'serial' });

let server: TestServer;
test.beforeAll(async () => {
  server = new TestServer({ DLM_TOKEN: TOKEN, DLM_RATE_LIMIT: '3' });
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
  server.dispose();
});

test('without the token: 401 on what changes things, reading still works', async () => {
  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
  const api = await post('/api/experiments');
  expect(api.status).toBe(401);
  expect(api.headers.get('WWW-Authenticate')).toBe('Bearer');
  expect(((await api.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
  expect((await post('/api/playground', { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  expect((await post('/api/experiments/00000000-0000-0000-0000-000000000000/resume')).status).toBe(401);
  const v1 = await post('/v1/chat/completions');
  expect(v1.status).toBe(401);
  expect(await v1.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  expect((await fetch(`${server.url}/api/experiments`)).status).toBe(200);
  expect((await fetch(`${server.url}/experiments`)).status).toBe(200);
  expect((await fetch(`${server.url}/`)).status).toBe(200);
  // With it, the request reaches the route (here: a 400 naming the missing field).
  const ok = await post('/api/experiments', { Authorization: `Bearer ${TOKEN}` });
  expect(ok.status).toBe(400);
});

test('the dashboard asks for the token once, and a wrong one again', async ({ page }) => {
  test.setTimeout(90_000);
  const experiments = new ExperimentsPage(page);
  await page.goto(`${server.url}/experiments`);
  await experiments.title.fill('token sweep');
  await experiments.lengths.fill('64,128'); // long enough to still run when Cancel is pressed
  await experiments.items.fill('3');
  await experiments.start.click();
  const dialog = page.getByTestId('token-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('token-input').fill('not-the-token');
  await page.getByTestId('token-submit').click();
  await expect(dialog).toContainText('That token was not accepted');
  await page.getByTestId('token-input').fill(TOKEN);
  await page.getByTestId('token-submit').click();
  await expect(dialog).toBeHidden();
  await expect(experiments.progress).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('dlm-token'))).toBe(TOKEN);
  // The next mutating request (Cancel) carries it without asking.
  await page.getByTestId('cancel-sweep').click();
  await expect(experiments.progress).not.toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(dialog).toBeHidden();
});

test('the routes that run models are rate-limited per client: 429 with Retry-After', async () => {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${server.url}/api/playground`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"prompt":""}',
    });
    statuses.push(response.status);
    if (response.status === 429) retryAfter = response.headers.get('Retry-After');
  }
  expect(statuses.slice(0, 3)).toEqual([400, 400, 400]); // within the limit: the route answers (bad prompt)
  expect(statuses.slice(3)).toEqual([429, 429]);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
});
