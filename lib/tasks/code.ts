// code: translate a one-line English spec into a JavaScript function expression.
//   prompt:  "code: <spec>\n" where the spec reads "f(<params>) returns <param><phrases>"
//   answer:  the canonical solution, an arrow function "(<params>)=><body>"
//   length:  8..256, and the canonical solution is EXACTLY `length` characters (see code-compose.ts;
//            8 is the shortest, e.g. "(x)=>x+1"; below 13 only arithmetic functions exist)
//   check:   run the completion against the record's `test` (a `check(candidate)` function with six
//            cases, redrawn until they expect varied outputs) in the sandbox (sandbox.ts); never
//            compared as a string
//   examples:
//     "code: f(x,y) returns x times y plus 3\n"        -> "(x,y)=>x*y+3"
//     "code: f(a) returns a, keep over 5, sum plus 3\n" -> "(a)=>a.filter(v=>v>5).reduce((t,v)=>t+v,0)+3"
//     "code: f(s) returns s, reverse, upper\n"          -> "(s)=>s.split('').reverse().join('').toUpperCase()"
// The phrase vocabulary is in code-grammar.ts; records also carry HumanEval's entry_point ("f"),
// canonical_solution (= answer) and test fields.
import { makeTestCases, type TestCase } from './code-cases.ts';
import { CODE_MAX_LENGTH, CODE_MIN_LENGTH, composeProgram } from './code-compose.ts';
import { ENTRY_POINT, renderCode, renderSpec, type CodeProgram } from './code-program.ts';
import { renderTestSource } from './code-test-source.ts';
import { jsLiteral } from './code-values.ts';
import type { Rng } from './prng.ts';
import type { TaskFamily } from './types.ts';

/** Programs whose tests see at least this many different outputs are accepted right away. */
const WANTED_DISTINCT_OUTPUTS = 3;
const MAX_ATTEMPTS = 30;

/**
 * Long pipelines can filter everything away, and a test whose cases all expect [] would also pass a
 * wrong function. So programs are redrawn (from the same deterministic stream) until their test
 * cases expect at least three different outputs, keeping the most varied one if none does.
 */
function composeInformativeProgram(length: number, rng: Rng): { program: CodeProgram; cases: TestCase[] } {
  let best: { program: CodeProgram; cases: TestCase[]; distinct: number } | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const program = composeProgram(length, rng);
    const cases = makeTestCases(program, rng);
    const distinct = new Set(cases.map((c) => jsLiteral(c.expected))).size;
    if (!best || distinct > best.distinct) best = { program, cases, distinct };
    if (distinct >= WANTED_DISTINCT_OUTPUTS) break;
  }
  return best!;
}

export const codeFamily: TaskFamily = {
  name: 'code',
  description: 'write the JavaScript function an English spec describes (checked by running it)',
  minLength: CODE_MIN_LENGTH,
  maxLength: CODE_MAX_LENGTH,
  checkedBy: 'code-execution',
  chat: {
    instruction: 'Write a JavaScript arrow function for this specification.',
    reply: 'the arrow function expression (e.g. (x,y)=>x*y+3), without a name or semicolon,',
    // Chat models often name the function or end the statement; the checker needs the bare expression.
    extract: (reply) => reply.replace(/^(?:(?:const|let|var)\s+)?f\s*=\s*/, '').replace(/;\s*$/, ''),
  },
  generate(length, rng) {
    const { program, cases } = composeInformativeProgram(length, rng);
    const test = renderTestSource(cases);
    return { prompt: `code: ${renderSpec(program)}\n`, answer: renderCode(program), code: { entry_point: ENTRY_POINT, test } };
  },
};
