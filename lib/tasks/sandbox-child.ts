// Source of the program the sandbox runs in its child process (passed with `node -e`, so the child needs no
// file-system read grant). It reads {items, timeoutMs, maxErrorChars, key} as JSON on stdin and writes, on
// file descriptor 3 only, a signed ready line and then one signed line {"i","passed","error"?,"mac"} per item.
//
// The language layer, per item:
// - the candidate runs in its own vm context, the test's check() in another; both have null-prototype
//   globals, no string or wasm code generation, and none of Node's APIs;
// - the two realms exchange only strings: arguments and results cross as data (codec below), so the
//   candidate never holds an object of the checker's realm and cannot change what check() relies on;
// - the codec and the bridge capture their intrinsics before any candidate code runs;
// - every script of ours and the test source run in strict mode, so stack-trace call sites and `caller`
//   expose no function or `this` of ours to a candidate;
// - an item passes only when check() returns normally; any throw, of any value, fails it;
// - a completion that mentions `import` is refused before it is compiled (dynamic import() would hand it
//   objects of the main realm); the process itself runs with --disallow-code-generation-from-strings and
//   --frozen-intrinsics, so even such an object would give no code generation and no patched built-in.
// The result channel: lines are HMAC-SHA256-signed with a per-child key that lives only in this program's
// closure; the parent rejects any line it cannot verify, and stdout is not read at all.
//
// Kept free of backticks and template placeholders so that it does not depend on how this TypeScript file
// is compiled or bundled; String.raw keeps its backslashes as written.
export const SANDBOX_CHILD_SOURCE = String.raw`'use strict';
const vm = require('node:vm');
const { createHmac } = require('node:crypto');
const { writeSync } = require('node:fs');
const RESULT_FD = 3;

// Refuse to run anything unless the permission model is really on and grants nothing.
const permission = process.permission;
if (!permission || ['fs.read', 'fs.write', 'child', 'worker'].some((scope) => permission.has(scope))) {
  process.stderr.write('sandbox: the Node.js permission model is not active\n');
  process.exit(70);
}

const CONTEXT_OPTIONS = { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' };
// V8 puts these in every context; candidates need none of them (FinalizationRegistry and WeakRef callbacks
// would run after the item's time limit).
const HIDE_GLOBALS = new vm.Script("'use strict'; for (const name of ['console', 'WebAssembly', 'SharedArrayBuffer', " +
  "'Atomics', 'FinalizationRegistry', 'WeakRef']) delete globalThis[name];");

// Data codec, evaluated inside each context before anything else runs there, so it holds that realm's
// pristine intrinsics. Values: strings, finite numbers, booleans, null, NaN, +-Infinity, -0, undefined,
// bigint, arrays and plain objects (own enumerable string keys); functions, symbols and other objects become
// opaque values that equal nothing. Text is built by concatenating primitives only (no toJSON, no setters).
const CODEC = new vm.Script([
  "'use strict';",
  '(function () {',
  '  const isArray = Array.isArray, keys = Object.keys, getPrototypeOf = Object.getPrototypeOf;',
  '  const objectPrototype = Object.prototype, defineProperty = Object.defineProperty, create = Object.create;',
  '  const freeze = Object.freeze, stringify = JSON.stringify, parse = JSON.parse, apply = Reflect.apply;',
  '  const toString = String, BigIntOf = BigInt, ErrorOf = Error;',
  '  const MAX_NODES = 200000, MAX_DEPTH = 64, MAX_DESCRIPTION = 300;',
  '  function put(target, key, value) {',
  '    defineProperty(target, key, { value: value, writable: true, enumerable: true, configurable: true });',
  '  }',
  '  function encode(value) {',
  '    let nodes = 0;',
  '    function walk(v, depth) {',
  '      if (++nodes > MAX_NODES || depth > MAX_DEPTH) throw new ErrorOf("the value is too large or too deep to pass");',
  '      switch (typeof v) {',
  '        case "string": return stringify(v);',
  '        case "boolean": return v ? "true" : "false";',
  '        case "number":',
  '          if (v !== v) return "[\\"NaN\\"]";',
  '          if (v === 1 / 0) return "[\\"Infinity\\"]";',
  '          if (v === -1 / 0) return "[\\"-Infinity\\"]";',
  '          if (v === 0 && 1 / v < 0) return "[\\"-0\\"]";',
  '          return toString(v);',
  '        case "undefined": return "[\\"undefined\\"]";',
  '        case "bigint": return "[\\"bigint\\"," + stringify(toString(v)) + "]";',
  '        case "symbol": case "function": return "[\\"opaque\\"]";',
  '      }',
  '      if (v === null) return "null";',
  '      if (isArray(v)) {',
  '        let text = "[\\"array\\"";',
  '        const n = v.length;',
  '        for (let i = 0; i < n; i++) text = text + "," + walk(v[i], depth + 1);',
  '        return text + "]";',
  '      }',
  '      const prototype = getPrototypeOf(v);',
  '      if (prototype !== objectPrototype && prototype !== null) return "[\\"opaque\\"]";',
  '      const names = keys(v);',
  '      let text = "[\\"object\\"";',
  '      for (let i = 0; i < names.length; i++) text = text + "," + stringify(names[i]) + "," + walk(v[names[i]], depth + 1);',
  '      return text + "]";',
  '    }',
  '    return walk(value, 0);',
  '  }',
  '  function build(node) {',
  '    if (!isArray(node)) return node;',
  '    const tag = node[0];',
  '    if (tag === "array") { const out = []; for (let i = 1; i < node.length; i++) put(out, i - 1, build(node[i])); return out; }',
  '    if (tag === "object") { const out = create(objectPrototype); for (let i = 1; i + 1 < node.length; i += 2) put(out, node[i], build(node[i + 1])); return out; }',
  '    if (tag === "NaN") return 0 / 0;',
  '    if (tag === "Infinity") return 1 / 0;',
  '    if (tag === "-Infinity") return -1 / 0;',
  '    if (tag === "-0") return -0;',
  '    if (tag === "undefined") return undefined;',
  '    if (tag === "bigint") return BigIntOf(node[1]);',
  '    return freeze(create(null));',
  '  }',
  '  function decode(text) { return build(parse(text)); }',
  '  function describe(thrown) {',
  '    let text;',
  '    try {',
  '      if (thrown !== null && typeof thrown === "object" && "message" in thrown) text = toString(thrown.name || "Error") + ": " + toString(thrown.message);',
  '      else text = "threw " + toString(thrown);',
  '    } catch (inner) {',
  '      text = "threw a value that cannot be described";',
  '    }',
  '    return typeof text === "string" ? (text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION) + "..." : text) : "threw a value that cannot be described";',
  '  }',
  // The candidate side of the bridge: strings in, strings out ("R" + result | "T" + what it threw | "E" + why).
  '  function bind(candidate) {',
  '    if (typeof candidate !== "function") return "the completion is not a function (got " + typeof candidate + ")";',
  '    return function call(argumentsText) {',
  '      let args;',
  '      try { args = decode(argumentsText); } catch (error) { return "Ebad arguments"; }',
  '      let result;',
  '      try { result = apply(candidate, undefined, args); } catch (thrown) { return "T" + describe(thrown); }',
  '      try { return "R" + encode(result); } catch (error) { return "E" + describe(error); }',
  '    };',
  '  }',
  '  return freeze({ encode: encode, decode: decode, describe: describe, bind: bind });',
  '})()',
].join('\n'));

// The checker side: check() gets a function of its own realm that forwards data to the candidate's bridge.
const RUN_CHECK = new vm.Script([
  "'use strict';",
  '(function () {',
  '  const call = globalThis.__dlmCall, codec = globalThis.__dlmCodec;',
  '  delete globalThis.__dlmCall; delete globalThis.__dlmCodec;',
  '  if (typeof check !== "function") return "the test does not define check()";',
  '  const candidate = function () {',
  '    const args = [];',
  '    for (let i = 0; i < arguments.length; i++) args[i] = arguments[i];',
  '    const reply = call(codec.encode(args));',
  '    if (typeof reply !== "string" || reply.length === 0) throw new Error("the candidate bridge gave no answer");',
  '    const kind = reply[0], body = reply.slice(1);',
  '    if (kind === "R") return codec.decode(body);',
  '    if (kind === "T") throw new Error("the candidate threw (" + body + ")");',
  '    throw new Error(body);',
  '  };',
  '  try {',
  '    check(candidate);',
  '  } catch (error) {',
  '    return "check: " + codec.describe(error);',
  '  }',
  '  return "";',
  '})()',
].join('\n'));

const DESCRIBE_THROWN = new vm.Script("'use strict'; (function () { const codec = globalThis.__dlmCodec; return codec.describe(globalThis.__dlmThrown); })()");

function freshContext() {
  const sandbox = Object.create(null);
  const context = vm.createContext(sandbox, CONTEXT_OPTIONS);
  HIDE_GLOBALS.runInContext(context);
  const codec = CODEC.runInContext(context);
  return { sandbox, context, codec };
}

// Describes a value the candidate threw to us, inside a context of its own and under a time limit.
function describeThrown(thrown, timeoutMs) {
  try {
    const { sandbox, context, codec } = freshContext();
    sandbox.__dlmCodec = codec;
    sandbox.__dlmThrown = thrown;
    const text = DESCRIBE_THROWN.runInContext(context, { timeout: timeoutMs });
    return typeof text === 'string' ? text : 'threw a value that cannot be described';
  } catch (error) {
    return 'threw a value that cannot be described';
  }
}

// "import" cannot be spelled with escapes or built from strings here, so a plain word check is complete.
const IMPORT_WORD = /\bimport\b/;

// Returns null when check() returned normally, else why the item failed.
function runItem(item, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const timedOut = (step) => step + ': timed out after ' + timeoutMs + ' ms';
  // Errors thrown into us by the test source or RUN_CHECK are never candidate values (RUN_CHECK catches those),
  // so their code can be read; the vm's own timeout error says ERR_SCRIPT_EXECUTION_TIMEOUT.
  const isTimeout = (error) => (error !== null && typeof error === 'object' && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') || Date.now() >= deadline;
  if (typeof item.completion !== 'string' || typeof item.test !== 'string') return 'bad sandbox item';
  if (IMPORT_WORD.test(item.completion)) return 'the completion uses import, which the sandbox refuses';

  let completionScript;
  try {
    completionScript = new vm.Script('(' + item.completion + '\n)', { filename: 'completion.js' });
  } catch (error) {
    return 'completion does not compile: ' + String(error && error.message);
  }
  let testScript;
  try {
    testScript = new vm.Script("'use strict';\n" + item.test, { filename: 'test.js' });
  } catch (error) {
    return 'test does not compile (tests run in strict mode): ' + String(error && error.message);
  }

  const candidateRealm = freshContext();
  let value;
  try {
    value = completionScript.runInContext(candidateRealm.context, { timeout: remaining() });
  } catch (thrown) {
    // A candidate's thrown value is not inspected here (getters, proxies): the clock decides, with the vm's
    // own timer granularity as slack.
    if (Date.now() >= deadline - 5) return timedOut('evaluating the completion');
    return 'evaluating the completion: ' + describeThrown(thrown, 250);
  }
  const call = candidateRealm.codec.bind(value); // typeof only: runs no candidate code
  if (typeof call === 'string') return call;

  const checker = freshContext();
  try {
    testScript.runInContext(checker.context, { timeout: remaining() });
  } catch (error) {
    return isTimeout(error) ? timedOut('running the test source') : 'running the test source failed';
  }
  checker.sandbox.__dlmCall = call;
  checker.sandbox.__dlmCodec = checker.codec;
  let outcome;
  try {
    outcome = RUN_CHECK.runInContext(checker.context, { timeout: remaining() });
  } catch (error) {
    return isTimeout(error) ? timedOut('check') : 'check: stopped';
  }
  if (outcome === '') return null;
  return typeof outcome === 'string' ? outcome : 'check: no verdict';
}

// A candidate's rejected promise must not take the whole batch down.
process.on('unhandledRejection', () => {});

function clip(text, maxChars) {
  return text.length > maxChars ? text.slice(0, maxChars) + '...' : text;
}

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  chunks.length = 0;
  const key = Buffer.from(input.key, 'hex');
  const sign = (fields) => createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
  const send = (line) => writeSync(RESULT_FD, JSON.stringify(line) + '\n');
  send({ ready: true, mac: sign(['ready']) });
  const items = input.items;
  for (let i = 0; i < items.length; i++) {
    const failure = runItem(items[i], input.timeoutMs);
    const error = failure === null ? null : clip(failure, input.maxErrorChars);
    send({ i, passed: error === null, error, mac: sign([i, error === null, error]) });
  }
  process.exit(0); // nothing a candidate left behind (promise jobs, timers) runs after the last result
});
`;
