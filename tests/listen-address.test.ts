import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HOSTNAME, hostnameIn, isLoopback, listenPlan } from '../scripts/listen-address.mjs';

test('npm start listens on 127.0.0.1 unless told otherwise', () => {
  assert.deepEqual(listenPlan(['-p', '4000'], {}), { args: ['-p', '4000', '-H', DEFAULT_HOSTNAME], refusal: null });
  assert.equal(DEFAULT_HOSTNAME, '127.0.0.1');
});

test('-H and --hostname, separate or inline', () => {
  assert.equal(hostnameIn(['-H', '0.0.0.0']), '0.0.0.0');
  assert.equal(hostnameIn(['-p', '1', '--hostname', '::']), '::');
  assert.equal(hostnameIn(['--hostname=10.0.0.2']), '10.0.0.2');
  assert.equal(hostnameIn(['-p', '3000']), null);
});

test('loopback addresses', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
  for (const h of ['0.0.0.0', '::', '10.0.0.2', '192.168.1.1', 'example.com', '128.0.0.1']) assert.equal(isLoopback(h), false, h);
});

test('another address needs DLM_TOKEN, refused in one line naming it', () => {
  const refused = listenPlan(['-H', '0.0.0.0'], {});
  assert.match(refused.refusal!, /refusing to listen on 0\.0\.0\.0 without DLM_TOKEN/);
  assert.ok(!refused.refusal!.includes('\n'));
  assert.equal(listenPlan(['-H', '0.0.0.0'], { DLM_TOKEN: 'x'.repeat(32) }).refusal, null);
  assert.equal(listenPlan(['-H', 'localhost'], {}).refusal, null);
  assert.match(listenPlan(['-H'], {}).refusal!, /needs an address/);
});
