import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicBase, requestOrigin } from './public-url.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;

test('the origin a request came to, forwarded headers first', () => {
  assert.equal(requestOrigin(headers({ host: '127.0.0.1:4000' })), 'http://127.0.0.1:4000');
  assert.equal(
    requestOrigin(headers({ host: 'internal:3000', 'x-forwarded-host': 'lab.example.org', 'x-forwarded-proto': 'https' })),
    'https://lab.example.org',
  );
  assert.equal(requestOrigin(headers({ host: '[::1]:3000' })), 'http://[::1]:3000');
  assert.equal(requestOrigin(headers({ 'x-forwarded-host': 'a.example, b.example', host: 'x' })), 'http://a.example');
});

test('unusable headers give null, never a link to somewhere odd', () => {
  assert.equal(requestOrigin(headers({})), null);
  assert.equal(requestOrigin(headers({ host: 'evil.example/path' })), null);
  assert.equal(requestOrigin(headers({ host: 'a b' })), null);
  assert.equal(requestOrigin(headers({ host: 'ok.example', 'x-forwarded-proto': 'javascript' })), null);
});

test('DLM_PUBLIC_URL, else the request origin, else localhost and PORT', () => {
  assert.equal(publicBase('http://h:1', { DLM_PUBLIC_URL: 'https://pub.example/' }), 'https://pub.example');
  assert.equal(publicBase('http://h:1', {}), 'http://h:1');
  assert.equal(publicBase(null, { PORT: '4000' }), 'http://localhost:4000');
  assert.equal(publicBase(null, {}), 'http://localhost:3000');
});
