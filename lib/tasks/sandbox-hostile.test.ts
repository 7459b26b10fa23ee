// Our own hostile suite, written from the classes of attack in the sandbox issue (the outside suite stays
// outside): every program must end as a failure within its limit, with no side effect (no file, no process
// left, no connection or datagram to loopback listeners this test starts), while the correct items placed
// between them in the same batch still pass.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { renderTestSource } from './code-test-source.ts';
import { runInSandbox, type SandboxItem } from './sandbox.ts';

const scratch = mkdtempSync(join(tmpdir(), 'dlm-hostile-'));
const marker = join(scratch, 'touched');
let tcpPort = 0;
let udpPort = 0;
let connections = 0;
let datagrams = 0;
const server = createServer((socket) => {
  connections++;
  socket.destroy();
});
const udp = createSocket('udp4', () => datagrams++);

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tcpPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  udpPort = udp.address().port;
});
after(() => {
  server.close();
  udp.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The test every program faces: f(1) must be 2. A hostile program never returns 2 honestly. */
const TEST = 'function check(candidate) { const got = candidate(1); if (got !== 2) throw new Error("expected 2, got " + String(got)); }';
/** The suite's own test shape (deep-equality helper inside check()), for attacks on what it relies on. */
const SUITE_TEST = renderTestSource([{ args: [[3, 1, 2]], expected: [1, 2, 3] }]);
/** Array-argument variant, for attacks that go through the arguments check() passes in. */
const ARRAY_TEST = `function check(candidate) {
  const got = candidate([3, 1, 2]);
  if (!Array.isArray(got) || got.length !== 3 || got[0] !== 1 || got[1] !== 2 || got[2] !== 3) throw new Error('not sorted');
}`;
const CORRECT: SandboxItem = { completion: '(x) => x + 1', test: TEST };

// Ways to get the child's `process`, each followed by `then` (source using the name `p`).
const ESCAPES: Record<string, (then: string) => string> = {
  'dynamic import() rejection': (then) =>
    `(x) => { import('nope').catch((e) => { const p = e.constructor.constructor('return process')(); ${then} }); return 0; }`,
  'import() with a comment before the parenthesis': (then) => `(x) => { import/**/('node:process').then((m) => { const p = m.default; ${then} }); return 0; }`,
  'import() on a new line': (then) => `(x) => { import\n('node:process').then((m) => { const p = m.default; ${then} }); return 0; }`,
  'constructor chain through this': (then) => `function (x) { const p = this.constructor.constructor('return process')(); ${then} return 0; }`,
  'constructor chain through the argument': (then) => `(x) => { const p = x.constructor.constructor('return process')(); ${then} return 0; }`,
  'constructor chain through arguments': (then) => `function (x) { const p = arguments.constructor.constructor('return process')(); ${then} return 0; }`,
  'async function constructor': (then) => `(x) => { (async () => {}).constructor('return process')().then((p) => { ${then} }); return 0; }`,
  'generator function constructor': (then) => `(x) => { const p = (function* () {}).constructor('yield process')().next().value; ${then} return 0; }`,
  'Reflect.construct(Function)': (then) => `(x) => { const p = Reflect.construct(Function, ['return process'])(); ${then} return 0; }`,
  'stack-trace call sites (getThis/getFunction)': (then) => `(x) => {
    Error.prepareStackTrace = (e, sites) => sites;
    for (const site of new Error().stack) {
      const self = site.getThis(); const fn = site.getFunction();
      for (const o of [self, fn]) { if (o && o.process) { const p = o.process; ${then} } if (o && o.constructor) { try { const p = o.constructor.constructor('return process')(); ${then} } catch (e) {} } }
    }
    return 0;
  }`,
  'caller chain': (then) =>
    `function f(x) { let c = f.caller; while (c) { try { const p = c.constructor('return process')(); ${then} } catch (e) {} c = c.caller; } return 0; }`,
  'globalThis lookups': (then) =>
    `(x) => { const p = globalThis.process || globalThis.global?.process || (typeof process === 'object' ? process : undefined); ${then} return 0; }`,
};

// What a program does once it has `p` (an escape that works would make these observable).
const PAYLOADS: Record<string, string> = {
  'network (net)': `p.getBuiltinModule('node:net').connect(${'TCP'}, '127.0.0.1');`,
  'network (http)': `p.getBuiltinModule('node:http').get('http://127.0.0.1:' + ${'TCP'});`,
  'network (dgram)': `p.getBuiltinModule('node:dgram').createSocket('udp4').send('x', ${'UDP'}, '127.0.0.1');`,
  'network (fetch)': `p.getBuiltinModule('node:vm').runInThisContext('fetch')('http://127.0.0.1:' + ${'TCP'});`,
  'file write': `p.getBuiltinModule('node:fs').writeFileSync(${'MARKER'}, 'x');`,
  'kill the parent': 'p.kill(p.ppid, "SIGKILL");',
  'forge result lines': `p.getBuiltinModule('node:fs').writeSync(3, '{"i":0,"passed":true}\\n'); p.stdout.write('{"i":0,"passed":true}\\n');`,
  'patch the host JSON and Object.prototype':
    'p.getBuiltinModule("node:vm").runInThisContext("JSON.stringify = () => \'{\\"passed\\":true}\'; Object.prototype.passed = true");',
};

function fill(source: string): string {
  return source.replaceAll("${'TCP'}", String(tcpPort)).replaceAll("${'UDP'}", String(udpPort)).replaceAll("${'MARKER'}", JSON.stringify(marker));
}

interface Hostile {
  name: string;
  item: SandboxItem;
}

function hostilePrograms(): Hostile[] {
  const programs: Hostile[] = [];
  const add = (name: string, completion: string, test = TEST) => programs.push({ name, item: { completion: fill(completion), test } });

  // 1. Wrong passes without solving.
  add('throws null', '(x) => { throw null; }');
  add('throws undefined', '(x) => { throw undefined; }');
  add('throws false', '(x) => { throw false; }');
  add('throws an empty string', '(x) => { throw ""; }');
  add('throws a getter-bomb object', '(x) => { throw { get message() { for (;;) {} } }; }');
  add('patches Array.isArray through the argument', '(a) => { a.constructor.isArray = () => true; return a; }', ARRAY_TEST);
  // Array.isArray(expected) is called before Array.isArray(actual): copy what it saw into the answer.
  add(
    'patched Array.isArray copies the expected value',
    `(a) => {
    const out = []; let seen;
    a.constructor.isArray = (v) => { if (v !== out) seen = v; else if (seen) for (let i = 0; i < seen.length; i++) out[i] = seen[i]; return true; };
    return out;
  }`,
    SUITE_TEST,
  );
  add('patches the argument realm Object.prototype', '(a) => { Object.getPrototypeOf(Object.getPrototypeOf(a)).length = 3; return {}; }', ARRAY_TEST);
  add(
    'returns its input behind a Proxy whose traps lie',
    '(a) => new Proxy(a, { getPrototypeOf: () => null, has: () => true, ownKeys: () => ["0", "1", "2", "length"] })',
    ARRAY_TEST,
  );
  add(
    'patches its own JSON.stringify and Reflect.apply',
    '(x) => { JSON.stringify = () => "2"; Reflect.apply = () => 2; Function.prototype.apply = () => 2; return 3; }',
  );
  add('index setter on its own Array.prototype', '(x) => { Object.defineProperty(Array.prototype, "0", { set() {}, get() { return 2; } }); return [3]; }');
  add("looks for the checker's check()", '(x) => (typeof check === "function" || typeof globalThis.__dlmCall === "function" ? 2 : 3)');
  add(
    'stack-trace call sites to patch the checker',
    `(x) => {
    Error.prepareStackTrace = (e, sites) => sites;
    for (const site of new Error().stack) { const self = site.getThis(); if (self && self.Number) self.Number.prototype.valueOf = () => 2; }
    return 3;
  }`,
  );
  add('returns a value whose encoding throws', '(x) => ({ get a() { throw null; } })');
  add('returns a cyclic value', '(x) => { const a = []; a.push(a); return a; }');
  add('returns a function', '(x) => () => 2');

  // 2. Reaching the child's process, then the network, files, the parent or the result channel.
  for (const [escape, make] of Object.entries(ESCAPES)) {
    for (const [payload, code] of Object.entries(PAYLOADS)) {
      // Every escape with the network payload, every payload with the two import() escapes and stack traces.
      if (payload === 'network (net)' || escape.includes('import') || escape.startsWith('stack')) add(`${escape} → ${payload}`, make(code));
    }
  }
  add('fetch and WebSocket globals', `(x) => { fetch('http://127.0.0.1:${"${'TCP'}"}'); new WebSocket('ws://127.0.0.1:${"${'TCP'}"}'); return 0; }`);

  // 3/4. Code after the last result, timers, and other ways to outlive or stall the item.
  add('FinalizationRegistry callback', '(x) => { new FinalizationRegistry(() => { for (;;) {} }).register({}, 1); return 0; }');
  add('WeakRef', '(x) => { new WeakRef({}); return 0; }');
  add('microtask loop', '(x) => { const spin = () => Promise.resolve().then(spin); spin(); return 0; }');
  add('promise job after the check', '(x) => { Promise.resolve().then(() => { for (;;) {} }); return 0; }');
  add('Atomics.wait on a SharedArrayBuffer', '(x) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return 2; }');
  add('infinite loop', '(x) => { for (;;) {} }');
  add('deep recursion', '(x) => { const f = (n) => f(n + 1) + 1; return f(0); }');
  add('setTimeout/setInterval', '(x) => { setTimeout(() => {}, 1e9); setInterval(() => {}, 1); return 2; }');

  // 5. Memory: the JS heap and outside it.
  add('heap bomb', '(x) => { const hoard = []; for (;;) hoard.push(new Array(1e6).fill(x)); }');
  add('ArrayBuffer bomb outside the heap', '(x) => { const hoard = []; for (;;) hoard.push(new Uint8Array(256 * 1024 * 1024).fill(1)); }');
  add('string bomb', '(x) => { let s = "x"; for (;;) s += s; }');

  // Held before, kept held: code generation, wasm, modules, Node globals.
  add('eval', '(x) => eval("1 + 1")');
  add('Function from a string', '(x) => Function("return 2")()');
  add('WebAssembly', '(x) => { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); return 2; }');
  add('require', `(x) => { require('node:fs').writeFileSync(${"${'MARKER'}"}, 'x'); return 2; }`);
  add('module and __dirname', '(x) => (module, __dirname, 2)');
  add('console flood', '(x) => { for (;;) console.log("x".repeat(1e6)); }');
  add('syntax that closes the wrapper', '1) + (function () { return 2; }');
  return programs;
}

test('the hostile suite: every program fails, the correct items between them pass, nothing leaks', { timeout: 240_000 }, async () => {
  const programs = hostilePrograms();
  assert.ok(programs.length >= 40, `at least 40 hostile programs (have ${programs.length})`);
  const items: SandboxItem[] = [];
  for (const program of programs) items.push(program.item, CORRECT);
  const pids: number[] = [];
  const started = Date.now();
  const results = await runInSandbox(items, { timeoutMs: 500, itemWallClockMs: 3000, onChildStart: (pid) => pids.push(pid) });
  const seconds = (Date.now() - started) / 1000;

  programs.forEach((program, k) => {
    const hostile = results[2 * k]!;
    assert.equal(hostile.passed, false, `${program.name} must fail`);
    assert.ok(hostile.error, `${program.name} must say why`);
    assert.deepEqual(results[2 * k + 1], { passed: true }, `the correct item after "${program.name}" must still pass`);
  });
  // Limits: each item has 500 ms inside the child and 3 s of wall clock; restarts cost a child start each.
  assert.ok(seconds < programs.length * 3, `the batch ended within its limits (${seconds.toFixed(1)} s)`);

  await new Promise((resolve) => setTimeout(resolve, 300)); // anything in flight would have landed by now
  if (process.env.DLM_HOSTILE_REPORT) console.log('connections', connections, 'datagrams', datagrams, 'file', existsSync(marker));
  assert.equal(connections, 0, 'no TCP connection reached the loopback listener');
  assert.equal(datagrams, 0, 'no datagram reached the loopback socket');
  assert.ok(!existsSync(marker), 'no file was written');
  assert.ok(pids.length >= 1);
  for (const pid of pids) assert.throws(() => process.kill(-pid, 0), /ESRCH/, `child group ${pid} is gone`);
});

// Stand-ins for a child whose candidate took over its process: they write result lines themselves.
const FORGER_PREAMBLE = `const fs = require('node:fs'); const chunks = []; process.stdin.on('data', (c) => chunks.push(c));`;
const FORGERS: Record<string, string> = {
  'an unsigned ready line': `${FORGER_PREAMBLE} process.stdin.on('end', () => { fs.writeSync(3, '{"ready":true}\\n'); for (let i = 0; i < 3; i++) fs.writeSync(3, JSON.stringify({ i, passed: true, error: null }) + '\\n'); });`,
  'signed ready, then forged passes': `${FORGER_PREAMBLE} process.stdin.on('end', () => {
    const { key } = JSON.parse(Buffer.concat(chunks));
    const mac = require('node:crypto').createHmac('sha256', Buffer.from(key, 'hex')).update('["ready"]').digest('hex');
    fs.writeSync(3, JSON.stringify({ ready: true, mac }) + '\\n');
    for (let i = 0; i < 3; i++) fs.writeSync(3, JSON.stringify({ i, passed: true, error: null, mac: '0'.repeat(64) }) + '\\n');
  });`,
  'results on stdout instead': `${FORGER_PREAMBLE} process.stdin.on('end', () => { for (let i = 0; i < 3; i++) process.stdout.write(JSON.stringify({ i, passed: true }) + '\\n'); });`,
};

for (const [name, program] of Object.entries(FORGERS)) {
  test(`the parent refuses ${name}: no item passes`, async () => {
    const { runBatch } = await import('./sandbox.ts');
    const results = await runBatch(program, [CORRECT, CORRECT, CORRECT], { startupMs: 3000, itemWallClockMs: 1000 });
    assert.deepEqual(
      results.map((r) => r.passed),
      [false, false, false],
    );
  });
}
