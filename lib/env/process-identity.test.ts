import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { currentProcess, formatOwner, ownerAlive, parseOwner, type Probe, startTicksFromStat } from './process-identity.ts';

test('the start time is read past a command name holding spaces and parentheses', () => {
  const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 11 0 987654 1000 50';
  assert.equal(startTicksFromStat(stat), '987654');
});

test('owners round-trip, and anything unreadable is no owner', () => {
  const me = currentProcess();
  assert.deepEqual(parseOwner(formatOwner(me)), me);
  assert.equal(parseOwner(null), null);
  assert.equal(parseOwner('not json'), null);
  assert.equal(parseOwner('{"pid":"1"}'), null);
});

const probe = (over: Partial<Probe> = {}): Probe => ({
  here: { host: 'h', boot: 'b1', pid: 1, start: '10' },
  pidAlive: () => true,
  startOf: () => '500',
  ...over,
});
const owner = (o: object) => JSON.stringify({ host: 'h', boot: 'b1', pid: 77, start: '500', ...o });

test('an owner is alive only while its very process runs', () => {
  assert.equal(ownerAlive(owner({}), probe()), true);
  assert.equal(ownerAlive(owner({}), probe({ pidAlive: () => false })), false); // killed
  assert.equal(ownerAlive(owner({}), probe({ startOf: () => '900' })), false); // pid reused by another process
  assert.equal(ownerAlive(owner({ boot: 'b0' }), probe()), false); // the machine restarted
  assert.equal(ownerAlive(owner({ host: 'elsewhere' }), probe({ pidAlive: () => false })), true); // cannot tell from here
  assert.equal(ownerAlive(owner({ start: null }), probe()), true); // no /proc: the pid alone
  assert.equal(ownerAlive(null, probe()), false); // rows from before owners were recorded
});

test('on this machine: this process is alive, an exited one is not', () => {
  assert.equal(ownerAlive(formatOwner(currentProcess())), true);
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const gone = { ...currentProcess(), pid: Number(child.stdout), start: '1' };
  assert.equal(ownerAlive(formatOwner(gone)), false);
});
