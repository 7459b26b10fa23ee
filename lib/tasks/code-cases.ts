// Test inputs for a code-family program, with expected outputs computed by evaluating the program.
import { WORD_LETTERS } from './code-grammar.ts';
import { evaluateProgram, type CodeProgram, type InputKind } from './code-program.ts';
import type { CodeValue } from './code-values.ts';
import type { Rng } from './prng.ts';

export interface TestCase {
  args: CodeValue[];
  expected: CodeValue;
}

export const CASES_PER_PROGRAM = 6;

/** One argument; `edge` asks for the boundary input (0, [] or ""), used for the first case. */
function randomArg(kind: InputKind, edge: boolean, rng: Rng): CodeValue {
  if (kind === 'number') return edge ? 0 : rng.between(-20, 20);
  const size = edge ? 0 : rng.between(1, 8);
  if (kind === 'string') return rng.chars(WORD_LETTERS, size);
  return Array.from({ length: size }, () => rng.between(0, 99));
}

export function makeTestCases(program: CodeProgram, rng: Rng): TestCase[] {
  const cases: TestCase[] = [];
  for (let i = 0; i < CASES_PER_PROGRAM; i++) {
    const args = program.params.map(() => randomArg(program.inputKind, i === 0, rng));
    // Stage implementations never mutate their input, so `args` is still pristine for the test source.
    cases.push({ args, expected: evaluateProgram(program, args) });
  }
  return cases;
}
