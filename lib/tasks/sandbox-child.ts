// Source of the program the sandbox runs in its child process (passed with `node -e`, so the child
// needs no file-system read grant). It reads {items, timeoutMs, maxErrorChars} as JSON on stdin,
// prints {"ready":true}, then one line {"i","passed","error"?} per item, in order, as each finishes.
//
// Per item it makes two fresh vm contexts with null-prototype globals (a `{}` global would leak the
// parent realm's Function constructor) and no string/wasm code generation: one evaluates the
// completion, the other runs the test's `check`. Candidate values are never touched outside a
// context: errors are described by a helper that itself runs inside a context under the timeout.
// The whole item shares one `timeoutMs` budget across its vm calls.
//
// Kept as a plain JavaScript string (no backticks or template placeholders inside) so that it does
// not depend on how this TypeScript file is compiled or bundled.
export const SANDBOX_CHILD_SOURCE = `'use strict';
const vm = require('node:vm');

// Refuse to run anything unless the permission model is really on and grants nothing.
const permission = process.permission;
if (!permission || ['fs.read', 'fs.write', 'child', 'worker'].some((scope) => permission.has(scope))) {
  process.stderr.write('sandbox: the Node.js permission model is not active\\n');
  process.exit(70);
}

const CONTEXT_OPTIONS = { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' };
// V8 puts these in every context; candidates need none of them.
const HIDE_GLOBALS = new vm.Script('delete globalThis.console; delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; delete globalThis.Atomics;');
const DESCRIBE = new vm.Script([
  '(function () {',
  '  const error = globalThis.__thrown;',
  '  try {',
  '    if (error !== null && typeof error === "object" && "message" in error) return String(error.name || "Error") + ": " + String(error.message);',
  '    return "threw " + String(error);',
  '  } catch (inner) {',
  '    return "threw a value that cannot be described";',
  '  }',
  '})()',
].join('\\n'));
const RUN_CHECK = new vm.Script([
  '(function () {',
  '  if (typeof check !== "function") return "the test does not define check()";',
  '  if (typeof __candidate !== "function") return "the completion is not a function (got " + typeof __candidate + ")";',
  '  try {',
  '    check(__candidate);',
  '    return null;',
  '  } catch (error) {',
  '    return error;',
  '  }',
  '})()',
].join('\\n'));

function freshContext() {
  const sandbox = Object.create(null);
  const context = vm.createContext(sandbox, CONTEXT_OPTIONS);
  HIDE_GLOBALS.runInContext(context);
  return { sandbox, context };
}

function clip(text, maxChars) {
  return text.length > maxChars ? text.slice(0, maxChars) + '...' : text;
}

// Describes a thrown value (possibly a hostile object from a candidate) inside its own context.
function describe(thrown, timeoutMs) {
  try {
    const { sandbox, context } = freshContext();
    sandbox.__thrown = thrown;
    const text = DESCRIBE.runInContext(context, { timeout: timeoutMs });
    return typeof text === 'string' ? text : 'threw a value that cannot be described';
  } catch (error) {
    return 'threw a value that cannot be described';
  }
}

function runItem(item, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const stepError = (step, thrown) => {
    if (Date.now() >= deadline) return step + ': timed out after ' + timeoutMs + ' ms';
    return step + ': ' + describe(thrown, 250);
  };
  if (typeof item.completion !== 'string' || typeof item.test !== 'string') return 'bad sandbox item';

  let completionScript;
  try {
    completionScript = new vm.Script('(' + item.completion + '\\n)', { filename: 'completion.js' });
  } catch (error) {
    return 'completion does not compile: ' + String(error && error.message);
  }
  let testScript;
  try {
    testScript = new vm.Script(item.test, { filename: 'test.js' });
  } catch (error) {
    return 'test does not compile: ' + String(error && error.message);
  }

  let candidate;
  try {
    candidate = completionScript.runInContext(freshContext().context, { timeout: remaining() });
  } catch (thrown) {
    return stepError('evaluating the completion', thrown);
  }
  const checker = freshContext();
  try {
    testScript.runInContext(checker.context, { timeout: remaining() });
  } catch (thrown) {
    return stepError('running the test source', thrown);
  }
  checker.sandbox.__candidate = candidate;
  let outcome;
  try {
    outcome = RUN_CHECK.runInContext(checker.context, { timeout: remaining() });
  } catch (thrown) {
    return stepError('check', thrown);
  }
  if (outcome === null) return null;
  if (typeof outcome === 'string') return outcome;
  return stepError('check', outcome);
}

// A candidate's rejected promise must not take the whole batch down.
process.on('unhandledRejection', () => {});

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const { items, timeoutMs, maxErrorChars } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write('{"ready":true}\\n');
  for (let i = 0; i < items.length; i++) {
    const error = runItem(items[i], timeoutMs);
    const line = error === null ? { i, passed: true } : { i, passed: false, error: clip(error, maxErrorChars) };
    process.stdout.write(JSON.stringify(line) + '\\n'); // synchronous for pipes on Linux
  }
});
`;
