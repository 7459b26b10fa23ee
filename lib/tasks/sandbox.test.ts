// The sandbox: the child's permission flags deny fs, processes and workers; candidates see no Node
// APIs; runaway items are stopped without failing the rest of their batch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { permissionFlag, runBatch, runInSandbox, sandboxNodeArgs } from './sandbox.ts';
import { OS_LAYERS, osLayerPlan } from './sandbox-os.ts';

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
  assert.deepEqual(JSON.parse(child.stdout), {
    write: 'ERR_ACCESS_DENIED',
    read: 'ERR_ACCESS_DENIED',
    spawn: 'ERR_ACCESS_DENIED',
    worker: 'ERR_ACCESS_DENIED',
  });
  assert.ok(!existsSync(target));
});

test('candidates see no require, process, fetch, module or console, and cannot escape the context', async () => {
  const target = join(scratch, 'written-by-candidate');
  const results = await runInSandbox([
    {
      completion: '() => [typeof require, typeof process, typeof fetch, typeof module, typeof console, typeof globalThis.process]',
      test: expects(Array(6).fill('undefined')),
    },
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
  assert.deepEqual(
    results.map((r) => r.passed),
    [true, false, false, true, false],
  );
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
  assert.deepEqual(
    results.map((r) => r.passed),
    [true, false, true],
  );
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
  assert.deepEqual(
    results.map((r) => r.passed),
    [false, true],
  );
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
  assert.deepEqual(
    results.map((r) => r.passed),
    [false, false, false],
  );
  assert.match(results[1]!.error!, /not a function/);
  assert.match(results[2]!.error!, /does not compile/);
});

test('an empty batch needs no child', async () => {
  assert.deepEqual(await runInSandbox([]), []);
});

// ── Each layer alone ──────────────────────────────────────────────────────────────────────────────────────

test('process layer: no code generation from strings in the main realm, even from an object a context should never get', () => {
  // Dynamic import() in a vm context rejects with an error of the main realm; its constructor chain is the
  // main realm's Function. The child's flags make that a dead end (the language layer also refuses import).
  const probe = `
    const vm = require('node:vm');
    const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
    new vm.Script("import('nope').catch((e) => { try { globalThis.outcome = typeof e.constructor.constructor('return process')(); } catch (err) { globalThis.outcome = err.name; } })").runInContext(context);
    setTimeout(() => process.stdout.write(String(context.outcome)), 200);`;
  const child = spawnSync(process.execPath, sandboxNodeArgs(probe), { env: {} as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 0, child.stderr);
  assert.notEqual(child.stdout, 'object', 'the main realm handed out process');
  const unguarded = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(unguarded.stdout, 'object', 'without the flags the same probe does reach process (so this test can fail)');
});

const osPlan = osLayerPlan();
const expectOsLayers = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/prlimit');

test('OS layer: on Linux as root with util-linux, every OS layer is active', { skip: !expectOsLayers && 'not Linux as root with util-linux' }, () => {
  assert.deepEqual(osPlan.missing, []);
  assert.deepEqual([...osPlan.active].sort(), [...OS_LAYERS].sort());
});

function runUnderOsLayers(probe: string, addressSpaceMb = 1536) {
  const { file, args } = osPlan.command(sandboxNodeArgs(probe), { addressSpaceMb, cpuSeconds: 20 });
  return spawnSync(file, args, { env: {} as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 20_000 });
}

test('OS layer: no network interface, a different user that cannot signal us', { skip: osPlan.active.length === 0 && 'no OS layer here' }, () => {
  const probe = `
    const os = require('node:os');
    let signal = 'allowed';
    try { process.kill(${process.pid}, 0); } catch (error) { signal = error.code; }
    process.stdout.write(JSON.stringify({ uid: process.getuid(), interfaces: Object.keys(os.networkInterfaces()), signal }));`;
  const child = runUnderOsLayers(probe);
  assert.equal(child.status, 0, child.stderr);
  const seen = JSON.parse(child.stdout) as { uid: number; interfaces: string[]; signal: string };
  if (osPlan.active.includes('network namespace')) assert.deepEqual(seen.interfaces, [], 'no interface is up');
  if (osPlan.active.includes('unprivileged user')) {
    assert.equal(seen.uid, 65534);
    assert.equal(seen.signal, 'EPERM', 'the child cannot signal the parent');
  }
});

test(
  'OS layer: memory outside the JS heap is capped by the address-space limit',
  { skip: !osPlan.active.includes('address-space cap') && 'no address-space cap here' },
  () => {
    const probe = `
    const hoard = [];
    try { for (let i = 0; i < 64; i++) hoard.push(new Uint8Array(64 * 1024 * 1024).fill(1)); } catch (error) {}
    process.stdout.write(String(hoard.length * 64));`;
    const child = runUnderOsLayers(probe);
    assert.equal(child.status, 0, child.stderr);
    assert.ok(Number(child.stdout) < 1024, `held ${child.stdout} MiB of ArrayBuffers under a 1536 MiB address space`);
  },
);

// Stand-in children for the parent's deadlines: they sign their lines correctly and then misbehave.
const signedChild = (afterResults: string) => `
  const fs = require('node:fs'); const crypto = require('node:crypto'); const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks));
    const key = Buffer.from(input.key, 'hex');
    const mac = (fields) => crypto.createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
    fs.writeSync(3, JSON.stringify({ ready: true, mac: mac(['ready']) }) + '\\n');
    const send = (i) => fs.writeSync(3, JSON.stringify({ i, passed: true, error: null, mac: mac([i, true, null]) }) + '\\n');
    ${afterResults}
  });`;

test('deadline after the last result: a child that lingers is killed with its process group', async () => {
  const pids: number[] = [];
  const started = Date.now();
  const results = await runBatch(signedChild('send(0); setInterval(() => {}, 1000);'), [{ completion: '(x) => x + 1', test: ADD_ONE }], {
    exitGraceMs: 300,
    onChildStart: (pid) => pids.push(pid),
  });
  assert.deepEqual(results, [{ passed: true }]);
  assert.ok(Date.now() - started < 3000, 'the parent did not wait for the child');
  assert.throws(() => process.kill(-pids[0]!, 0), /ESRCH/);
});

test('batch deadline: a child that keeps answering slowly is stopped at the deadline', async () => {
  const started = Date.now();
  const items = Array.from({ length: 6 }, () => ({ completion: '(x) => x + 1', test: ADD_ONE }));
  const results = await runBatch(signedChild('let i = 0; setInterval(() => send(i++), 200);'), items, { itemWallClockMs: 1000, batchDeadlineMs: 1000 });
  assert.ok(Date.now() - started < 5000);
  const stopped = results.filter((r) => !r.passed);
  assert.equal(stopped.length, 1, 'the item running at the deadline fails; the rest finish in a fresh child');
  assert.match(stopped[0]!.error!, /batch ran longer than 1000 ms/);
});
