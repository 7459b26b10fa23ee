// The sandbox: the child's permission flags deny fs, processes and workers; candidates see no Node
// APIs; runaway items are stopped without failing the rest of their batch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { permissionFlag, runInSandbox, sandboxNodeArgs } from './sandbox.ts';

const scratch = mkdtempSync(join(tmpdir(), 'dlm-sandbox-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A test that passes when candidate() returns `expected` (JSON-compared). */
const expects = (expected: unknown) => `function check(candidate) {
  const got = JSON.stringify(candidate());
  if (got !== ${JSON.stringify(JSON.stringify(expected))}) throw new Error('got ' + got);
}`;
const ADD_ONE = 'function check(c) { if (c(1) !== 2) throw new Error("wrong"); }';

test('permission flag by Node version', () => {
  assert.equal(permissionFlag('20.9.0'), '--experimental-permission');
  assert.equal(permissionFlag('22.12.0'), '--experimental-permission');
  assert.equal(permissionFlag('22.13.0'), '--permission');
  assert.equal(permissionFlag('23.4.0'), '--experimental-permission');
  assert.equal(permissionFlag('23.5.0'), '--permission');
  assert.equal(permissionFlag('24.0.0'), '--permission');
});

test('the child process itself cannot write or read files, spawn processes or start workers', () => {
  const target = join(scratch, 'written-by-child');
  const probe = `
    const attempts = {
      write: () => require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x'),
      read: () => require('node:fs').readFileSync('/etc/hostname'),
      spawn: () => require('node:child_process').spawnSync('true'),
      worker: () => new (require('node:worker_threads').Worker)('1', { eval: true }),
    };
    const outcome = {};
    for (const [name, attempt] of Object.entries(attempts)) {
      try { attempt(); outcome[name] = 'allowed'; } catch (error) { outcome[name] = error.code; }
    }
    process.stdout.write(JSON.stringify(outcome));`;
  const child = spawnSync(process.execPath, sandboxNodeArgs(probe), { env: {} as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), { write: 'ERR_ACCESS_DENIED', read: 'ERR_ACCESS_DENIED', spawn: 'ERR_ACCESS_DENIED', worker: 'ERR_ACCESS_DENIED' });
  assert.ok(!existsSync(target));
});

test('candidates see no require, process, fetch, module or console, and cannot escape the context', async () => {
  const target = join(scratch, 'written-by-candidate');
  const results = await runInSandbox([
    { completion: '() => [typeof require, typeof process, typeof fetch, typeof module, typeof console, typeof globalThis.process]', test: expects(Array(6).fill('undefined')) },
    { completion: `() => { require('node:fs').writeFileSync(${JSON.stringify(target)}, 'x'); return 'written'; }`, test: expects('written') },
    { completion: `() => { process.mainModule.require('node:child_process').execSync('touch ${target}'); return 'spawned'; }`, test: expects('spawned') },
    { completion: `() => this.constructor.constructor('return process')().pid`, test: expects(1) },
    { completion: `() => eval('1 + 1')`, test: expects(2) },
    { completion: `() => { import('node:fs').then((fs) => fs.writeFileSync(${JSON.stringify(target)}, 'x')); return 'started'; }`, test: expects('started') },
  ]);
  assert.deepEqual(results[0], { passed: true }, 'all the Node globals are undefined inside the context');
  for (const [i, what] of ['require', 'process', 'constructor escape', 'eval'].entries()) {
    assert.equal(results[i + 1]!.passed, false, what);
    assert.ok(results[i + 1]!.error, what);
  }
  assert.ok(!existsSync(target), 'nothing was written, including through import()');
});

test('an infinite loop is stopped by the time limit and the rest of the batch is still right', async () => {
  const started = Date.now();
  const results = await runInSandbox(
    [
      { completion: '(x) => x + 1', test: ADD_ONE },
      { completion: '(x) => { for (;;) {} }', test: ADD_ONE },
      { completion: '(x) => { while (true) x++; }', test: 'function check(c) { c(1); }' },
      { completion: '(x) => x + 1', test: ADD_ONE },
      { completion: '(x) => x', test: ADD_ONE },
    ],
    { timeoutMs: 300 },
  );
  assert.ok(Date.now() - started < 5000, 'the batch finished promptly');
  assert.deepEqual(results.map((r) => r.passed), [true, false, false, true, false]);
  assert.match(results[1]!.error!, /timed out after 300 ms/);
  assert.match(results[4]!.error!, /wrong/);
});

test('the parent kills a child that overruns the wall clock and retries the remaining items', async () => {
  const started = Date.now();
  const results = await runInSandbox(
    [
      { completion: '(x) => x + 1', test: ADD_ONE },
      { completion: '(x) => { for (;;) {} }', test: ADD_ONE },
      { completion: '(x) => x + 1', test: ADD_ONE },
    ],
    { timeoutMs: 30_000, itemWallClockMs: 500 }, // the vm limit would come far too late
  );
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(results.map((r) => r.passed), [true, false, true]);
  assert.match(results[1]!.error!, /killed/);
});

test('an item that crashes the child fails alone', async () => {
  const results = await runInSandbox(
    [
      { completion: '(x) => { const hoard = []; for (;;) hoard.push(new Array(1e6).fill(x)); }', test: ADD_ONE },
      { completion: '(x) => x + 1', test: ADD_ONE },
    ],
    { timeoutMs: 30_000, maxHeapMb: 32 },
  );
  assert.deepEqual(results.map((r) => r.passed), [false, true]);
  assert.match(results[0]!.error!, /died/);
});

test('hostile thrown values and non-functions are reported, not trusted', async () => {
  const results = await runInSandbox(
    [
      { completion: '() => { throw new Proxy({}, { get() { for (;;) {} } }); }', test: expects(1) },
      { completion: '42', test: expects(1) },
      { completion: '(', test: expects(1) },
    ],
    { timeoutMs: 500 },
  );
  assert.deepEqual(results.map((r) => r.passed), [false, false, false]);
  assert.match(results[1]!.error!, /not a function/);
  assert.match(results[2]!.error!, /does not compile/);
});

test('an empty batch needs no child', async () => {
  assert.deepEqual(await runInSandbox([]), []);
});
