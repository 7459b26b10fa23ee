// A composed code-family program: rendering it as the English spec and as the canonical JavaScript,
// and evaluating it directly (no eval) to get the expected outputs for the tests.
import type { ArithmeticPiece, SlotArg, StagePiece } from './code-grammar.ts';
import { evaluateArithmetic, type CodeValue } from './code-values.ts';

export type InputKind = 'number' | 'array' | 'string';

export interface CodeProgram {
  inputKind: InputKind; // type of every parameter
  params: readonly string[]; // e.g. ['x', 'y']
  head: string; // the parameter the body starts from
  stages: ReadonlyArray<{ piece: StagePiece; arg: SlotArg }>; // pipeline stages, the last may be a terminal
  arithmetic: ReadonlyArray<{ piece: ArithmeticPiece; arg: SlotArg }>; // applied to a number
}

export const ENTRY_POINT = 'f';

export function renderSpec(program: CodeProgram): string {
  const parts = [`${ENTRY_POINT}(${program.params.join(',')}) returns ${program.head}`];
  for (const { piece, arg } of program.stages) parts.push(piece.phrase(arg));
  for (const { piece, arg } of program.arithmetic) parts.push(piece.phrase(arg));
  return parts.join('');
}

export function renderCode(program: CodeProgram): string {
  const parts = [`(${program.params.join(',')})=>${program.head}`];
  for (const { piece, arg } of program.stages) parts.push(piece.code(arg));
  for (const { piece, arg } of program.arithmetic) parts.push(piece.code(arg));
  return parts.join('');
}

/** What the canonical solution returns for `args`, computed from the program's structure. */
export function evaluateProgram(program: CodeProgram, args: readonly CodeValue[]): CodeValue {
  const env = new Map(program.params.map((name, i) => [name, args[i]!] as const));
  const lookup = (name: string): CodeValue => {
    const value = env.get(name);
    if (value === undefined) throw new Error(`code program: unknown parameter ${name}`);
    return value;
  };
  let value = lookup(program.head);
  for (const { piece, arg } of program.stages) value = piece.apply(value, arg);
  if (program.arithmetic.length === 0) return value;
  if (typeof value !== 'number') throw new TypeError('code program: arithmetic on a non-number');
  const rest = program.arithmetic.map(({ piece, arg }) => {
    const operand = typeof arg === 'string' ? lookup(arg) : arg; // a string slot here is a parameter name
    if (typeof operand !== 'number') throw new TypeError('code program: non-number arithmetic operand');
    return { operator: piece.operator, value: operand };
  });
  return evaluateArithmetic(value, rest);
}
