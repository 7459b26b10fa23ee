// Renders the HumanEval-style `test` field: JavaScript source defining `function check(candidate)`,
// which calls the candidate on every case and throws on the first wrong result. Equality is deep and
// strict: arrays element by element, strings and numbers with === (NaN equals NaN).
import type { TestCase } from './code-cases.ts';
import { jsLiteral } from './code-values.ts';

// Helpers live inside `check` so a candidate cannot replace them through shared globals.
const CHECK_BODY = `  function same(actual, expected) {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) return false;
      for (let i = 0; i < expected.length; i++) if (!same(actual[i], expected[i])) return false;
      return true;
    }
    if (typeof expected === 'number' && expected !== expected) return typeof actual === 'number' && actual !== actual;
    return actual === expected;
  }
  function show(value) {
    try {
      return typeof value === 'function' ? 'a function' : String(JSON.stringify(value));
    } catch (error) {
      return 'an unprintable value';
    }
  }
  for (let i = 0; i < cases.length; i++) {
    const args = cases[i][0];
    const expected = cases[i][1];
    const shownArgs = show(args).slice(1, -1);
    const actual = candidate(...args);
    if (!same(actual, expected)) throw new Error('f(' + shownArgs + ') should be ' + show(expected) + ', got ' + show(actual));
  }
`;

export function renderTestSource(cases: readonly TestCase[]): string {
  const caseLines = cases.map(({ args, expected }) => `    [${jsLiteral(args)}, ${jsLiteral(expected)}],`);
  // Strict mode also hides `check` from a sloppy candidate's `f.caller`.
  return `function check(candidate) {\n  'use strict';\n  const cases = [\n${caseLines.join('\n')}\n  ];\n${CHECK_BODY}}\n`;
}
