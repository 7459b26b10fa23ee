import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerMatches, clientOf, createAccessGate, expensiveRoute, needsToken, normalizePath } from './access.ts';

test('a token is needed for what runs or changes something under /api and /v1, never for reading', () => {
  for (const [method, path] of [
    ['POST', '/api/playground'],
    ['POST', '/api/experiments'],
    ['DELETE', '/api/experiments/x'],
    ['PATCH', '/api/x'],
    ['PUT', '/api'],
    ['POST', '/v1/chat/completions'],
    ['post', '/v1/completions'],
  ]) {
    assert.equal(needsToken(method!, path!), true, `${method} ${path}`);
  }
  for (const [method, path] of [
    ['GET', '/api/experiments'],
    ['HEAD', '/api/experiments'],
    ['GET', '/v1/models'],
    ['POST', '/experiments'],
    ['GET', '/share/abc'],
    ['POST', '/apix'],
    ['OPTIONS', '/api/playground'],
  ]) {
    assert.equal(needsToken(method!, path!), false, `${method} ${path}`);
  }
});

test('the expensive routes are the ones that run models', () => {
  assert.equal(expensiveRoute('POST', '/api/playground'), 'playground');
  assert.equal(expensiveRoute('POST', '/api/experiments'), 'sweep');
  assert.equal(expensiveRoute('POST', '/api/experiments/1234/resume'), 'resume');
  assert.equal(expensiveRoute('POST', '/v1/chat/completions'), 'v1');
  assert.equal(expensiveRoute('POST', '/api/experiments/1234/cancel'), null);
  assert.equal(expensiveRoute('GET', '/api/playground'), null);
});

test('bearer tokens compare exactly', () => {
  assert.equal(bearerMatches('Bearer s3cret', 's3cret'), true);
  assert.equal(bearerMatches('bearer s3cret', 's3cret'), true);
  assert.equal(bearerMatches('Bearer s3cre', 's3cret'), false);
  assert.equal(bearerMatches('Bearer s3cret2', 's3cret'), false);
  assert.equal(bearerMatches('s3cret', 's3cret'), false);
  assert.equal(bearerMatches(null, 's3cret'), false);
  assert.equal(bearerMatches('Bearer ', ''), false);
});

test('the gate: 401 in each route family shape, then per-client 429 with Retry-After', () => {
  let t = 0;
  const gate = createAccessGate({ token: 'tok', limits: { perMinute: 60, burst: 2 } }, () => t);
  const api = gate({ method: 'POST', pathname: '/api/playground', authorization: null, client: 'a' });
  assert.equal(api?.status, 401);
  assert.match((api!.body as { error: string }).error, /Authorization: Bearer/);
  const v1 = gate({ method: 'POST', pathname: '/v1/completions', authorization: 'Bearer nope', client: 'a' });
  assert.deepEqual(v1?.body, {
    error: { message: (v1!.body as { error: { message: string } }).error.message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
  });
  assert.equal(gate({ method: 'GET', pathname: '/api/experiments', authorization: null, client: 'a' }), null);
  const ok = { method: 'POST', pathname: '/api/playground', authorization: 'Bearer tok' };
  assert.equal(gate({ ...ok, client: 'a' }), null);
  assert.equal(gate({ ...ok, client: 'a' }), null);
  const limited = gate({ ...ok, client: 'a' });
  assert.equal(limited?.status, 429);
  assert.equal(limited?.headers['Retry-After'], '1');
  assert.equal(gate({ ...ok, client: 'b' }), null); // another client
  assert.equal(gate({ ...ok, pathname: '/api/experiments', client: 'a' }), null); // another route
  t = 1_000;
  assert.equal(gate({ ...ok, client: 'a' }), null);
});

test('without a token everything passes the auth check; without limits nothing is limited', () => {
  const gate = createAccessGate({ token: null, limits: null });
  for (let i = 0; i < 100; i++) assert.equal(gate({ method: 'POST', pathname: '/api/playground', authorization: null, client: 'a' }), null);
});

test('the client key is the first forwarded address', () => {
  assert.equal(clientOf('203.0.113.5, 10.0.0.1'), '203.0.113.5');
  assert.equal(clientOf('::1'), '::1');
  assert.equal(clientOf(null), 'local');
  assert.equal(clientOf(''), 'local');
});

test('encoded or doubled slashes reach the same decision as the plain path', () => {
  assert.equal(normalizePath('/%61pi/playground'), '/api/playground');
  assert.equal(normalizePath('//api//playground/'), '/api/playground');
  assert.equal(normalizePath('/'), '/');
  assert.equal(normalizePath('/api/%ZZ'), '/api/%ZZ');
  const gate = createAccessGate({ token: 'tok', limits: null });
  assert.equal(gate({ method: 'POST', pathname: '/%61pi/playground', authorization: null, client: 'a' })?.status, 401);
  assert.equal(gate({ method: 'POST', pathname: '/v1%2Fcompletions', authorization: null, client: 'a' })?.status, 401);
});

test('a path that cannot be percent-decoded is a 400, for pages too', () => {
  const gate = createAccessGate({ token: null, limits: null });
  assert.equal(gate({ method: 'GET', pathname: '/experiments/%ZZ', authorization: null, client: 'a' })?.status, 400);
  assert.deepEqual(gate({ method: 'GET', pathname: '/v1/models/%E0%A4%A', authorization: null, client: 'a' })?.body, {
    error: { message: 'the URL path is not valid percent-encoding', type: 'invalid_request_error', param: null, code: null },
  });
  assert.equal(gate({ method: 'GET', pathname: '/experiments/%E2%98%83', authorization: null, client: 'a' }), null);
});
