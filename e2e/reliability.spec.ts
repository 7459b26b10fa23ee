// The server under abuse, on a server of this test's own (loopback, throwaway database): 1,000 generated
// malformed requests to every route (found in app/, so routes added later are covered too) get answers below
// 500 and leave the server up; 50 playground requests at once are each served to the end or refused with 429
// and Retry-After, none lost.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { TestServer } from './server';

/** Every page and route handler under app/, as URL patterns with their [dynamic] segments. */
function appRoutes(dir = 'app', prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      const segment = /^\(.*\)$/.test(entry.name) ? '' : `/${entry.name}`; // (groups) add no segment
      return appRoutes(path.join(dir, entry.name), prefix + segment);
    }
    return /^(page|route)\.tsx?$/.test(entry.name) ? [prefix || '/'] : [];
  });
}

function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

const SEGMENTS = [
  '00000000-0000-0000-0000-000000000000',
  'AAAAAAAAAAAAAAAAAAAAAA',
  '..',
  '%2e%2e%2f%2e%2e',
  '%00',
  '%ZZ',
  'a'.repeat(3000),
  '%E2%98%83',
  '-1',
  'null',
  '<script>',
  "'; DROP TABLE Run;--",
  'tiny-llama-ar',
  'x%20y',
];
const QUERIES = [
  '',
  '?format=xml',
  '?format=csv&table=nope',
  '?task=copy&length=-1',
  '?task=copy&length=1e309',
  '?task=%00&length=8',
  '?page=abc&pageSize=1e9',
  '?sort=__proto__&order=sideways',
  '?q=' + 'z'.repeat(5000),
  '?kind[]=1&kind[]=2',
  '?%ZZ=1',
  '?index=0.5&length=8&task=sort',
];
// Bodies that are never a valid request for any route: bad JSON, wrong shapes, wrong types for known fields.
const BODIES = [
  '',
  '{',
  'null',
  '[]',
  '"a string"',
  '12345',
  '{"__proto__":{"admin":true}}',
  '{"prompt":123}',
  '{"prompt":""}',
  '{"prompt":"x","seed":-1}',
  '{"prompt":"x","diffusion":{"steps":"L/0"}}',
  '{"prompt":"x","autoregressive":{"maxNewTokens":1e9}}',
  '{"prompt":"x","threads":0}',
  '{"item":{"task":"copy"}}',
  '{"item":{"task":"nope","length":8}}',
  '{"item":"copy"}',
  '{"tasks":5,"lengths":[8]}',
  '{"tasks":["nope"],"lengths":[8]}',
  '{"tasks":["copy"],"lengths":[0]}',
  '{"tasks":["copy"],"lengths":"8"}',
  '{"tasks":["copy"],"lengths":[8],"diffusion":[{"remasking":"sideways"}]}',
  '{"model":5}',
  '{"model":"tiny-llama-ar","prompt":null}',
  '{"model":"tiny-llama-ar","messages":"hi"}',
  '{"model":"tiny-llama-ar","prompt":"x","max_tokens":-5}',
  '{"model":"nope","prompt":"x"}',
  '['.repeat(20_000),
  JSON.stringify({ prompt: 'x'.repeat(70_000) }),
  '{"prompt":"\\ud800","threads":-1}',
  '\u0000\u0001\u0002',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];

test.describe.configure({ mode: 'serial' });

let server: TestServer;
test.beforeAll(async () => {
  server = new TestServer({ DLM_RATE_LIMIT: 'off' }); // the requests must reach the routes, not the limiter
  await server.start();
});
test.afterAll(async () => {
  await server.stop();
  server.dispose();
});

test('1,000 malformed requests to every route: no answer of 500 or more, and the server stays up', async () => {
  test.setTimeout(120_000);
  const routes = appRoutes();
  expect(routes).toEqual(expect.arrayContaining(['/', '/api/playground', '/api/experiments/[id]/resume', '/share/[slug]']));
  const random = prng(20261130);
  const requests = Array.from({ length: 1000 }, (_, i) => {
    const route = routes[i % routes.length]!; // every route, many times
    const url = route.replace(/\[[^\]]+\]/g, () => random.pick(SEGMENTS)) + random.pick(QUERIES);
    const method = random.pick(METHODS);
    const withBody = !['GET', 'HEAD'].includes(method);
    return { method, url, body: withBody ? random.pick(BODIES) : undefined, contentType: random.pick(CONTENT_TYPES) };
  });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let at = 0;
  const worker = async () => {
    while (at < requests.length) {
      const r = requests[at++]!;
      const label = `${r.method} ${r.url.slice(0, 120)} ${r.body?.slice(0, 60) ?? ''}`;
      try {
        const response = await fetch(server.url + r.url, {
          method: r.method,
          body: r.body,
          headers: r.contentType ? { 'Content-Type': r.contentType } : {},
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) failures.push(`${response.status} ${label}`);
      } catch (error) {
        failures.push(`no answer (${(error as Error).message}) ${label}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(failures, `statuses ${JSON.stringify([...statuses])}`).toEqual([]);
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  expect(server.alive).toBe(true);
  expect((await fetch(`${server.url}/`)).status).toBe(200);
  expect(server.log).not.toMatch(/uncaught|unhandled/i);
});

test('50 playground requests at once: each served to the end or refused with 429 and Retry-After', async () => {
  test.setTimeout(120_000);
  const body = JSON.stringify({ prompt: 'copy: ab\n', autoregressive: { maxNewTokens: 4 }, diffusion: { maxNewTokens: 4 }, store: false });
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const response = await fetch(`${server.url}/api/playground`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        signal: AbortSignal.timeout(90_000),
      });
      const text = await response.text();
      return { status: response.status, retryAfter: response.headers.get('Retry-After'), text };
    }),
  );
  const served = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status === 429);
  expect(served.length + refused.length, JSON.stringify(outcomes.map((o) => o.status))).toBe(50);
  expect(served.length).toBeGreaterThan(0);
  for (const o of served) {
    const events = o.text
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map((f) => JSON.parse(f.slice(6)) as { type: string; engine?: string });
    expect(events.filter((e) => e.type === 'done').map((e) => e.engine)).toEqual(['autoregressive', 'diffusion']);
    expect(events.at(-1)?.type).toBe('summary');
  }
  for (const o of refused) {
    expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(o.text).error).toMatch(/busy|too many requests/);
  }
  expect(server.alive).toBe(true);
});
