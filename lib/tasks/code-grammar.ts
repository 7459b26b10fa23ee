// The phrase -> code vocabulary of the code family. Each piece maps one fixed English phrase (with at
// most one slot: a number, a short word or a parameter name) to one JavaScript fragment, and pieces
// are concatenated left to right in both the spec and the code, so the translation is monotone:
//
//   spec  "f(a) returns a" ", keep over 5"    ", map times 2" ", sum"                  " plus 3"
//   code  "(a)=>a"         ".filter(v=>v>5)" ".map(v=>v*2)"  ".reduce((t,v)=>t+v,0)" "+3"
//
// Stages transform an array or a string; terminals turn one into a number; arithmetic pieces extend a
// number. Arithmetic is written exactly as read, with JavaScript's usual precedence ("x plus y times 2"
// is x+y*2). Array values stay non-negative (inputs are 0..99 and stages only add or multiply by
// positive constants), which is why `max` may start its reduce from 0.
import { type ArithmeticOperator, type CodeValue } from './code-values.ts';

export type SlotSpec = { kind: 'int'; min: number; max: number } | { kind: 'word'; minLetters: number; maxLetters: number } | { kind: 'param' };

/** The value filling a piece's slot (0 for pieces without one). */
export type SlotArg = number | string;

export interface Piece {
  name: string;
  slot?: SlotSpec;
  phrase(arg: SlotArg): string;
  code(arg: SlotArg): string;
}

/** Turns the current value into a new one (stages and terminals). */
export interface StagePiece extends Piece {
  apply(value: CodeValue, arg: SlotArg): CodeValue;
  /** Drops elements/characters; programs use few of these so long pipelines do not end up empty. */
  shrinks?: boolean;
}

/** Appends `<operator><operand>`; the operand is a constant or one of the function's parameters. */
export interface ArithmeticPiece extends Piece {
  operator: ArithmeticOperator;
}

/** Letters used for words in specs and for the string inputs of the tests (small, so `index of` hits). */
export const WORD_LETTERS = 'abcdef';

function asArray(value: CodeValue): number[] {
  if (!Array.isArray(value)) throw new TypeError('code grammar: array stage applied to a non-array');
  return value;
}

function asString(value: CodeValue): string {
  if (typeof value !== 'string') throw new TypeError('code grammar: string stage applied to a non-string');
  return value;
}

const int = (min: number, max: number): SlotSpec => ({ kind: 'int', min, max });
const word = (minLetters: number, maxLetters: number): SlotSpec => ({ kind: 'word', minLetters, maxLetters });

export const ARRAY_STAGES: readonly StagePiece[] = [
  {
    name: 'keep over',
    shrinks: true,
    slot: int(1, 99),
    phrase: (k) => `, keep over ${k}`,
    code: (k) => `.filter(v=>v>${k})`,
    apply: (a, k) => asArray(a).filter((v) => v > Number(k)),
  },
  {
    name: 'keep under',
    shrinks: true,
    slot: int(1, 99),
    phrase: (k) => `, keep under ${k}`,
    code: (k) => `.filter(v=>v<${k})`,
    apply: (a, k) => asArray(a).filter((v) => v < Number(k)),
  },
  {
    name: 'map plus',
    slot: int(1, 99),
    phrase: (k) => `, map plus ${k}`,
    code: (k) => `.map(v=>v+${k})`,
    apply: (a, k) => asArray(a).map((v) => v + Number(k)),
  },
  {
    name: 'map times',
    slot: int(2, 9),
    phrase: (k) => `, map times ${k}`,
    code: (k) => `.map(v=>v*${k})`,
    apply: (a, k) => asArray(a).map((v) => v * Number(k)),
  },
  { name: 'reverse', phrase: () => ', reverse', code: () => '.reverse()', apply: (a) => [...asArray(a)].reverse() },
  { name: 'sort', phrase: () => ', sort', code: () => '.sort((p,q)=>p-q)', apply: (a) => [...asArray(a)].sort((p, q) => p - q) },
  {
    name: 'take',
    shrinks: true,
    slot: int(1, 9),
    phrase: (k) => `, take ${k}`,
    code: (k) => `.slice(0,${k})`,
    apply: (a, k) => asArray(a).slice(0, Number(k)),
  },
  { name: 'drop', shrinks: true, slot: int(1, 9), phrase: (k) => `, drop ${k}`, code: (k) => `.slice(${k})`, apply: (a, k) => asArray(a).slice(Number(k)) },
  { name: 'last', shrinks: true, slot: int(1, 9), phrase: (k) => `, last ${k}`, code: (k) => `.slice(-${k})`, apply: (a, k) => asArray(a).slice(-Number(k)) },
];

export const ARRAY_TERMINALS: readonly StagePiece[] = [
  { name: 'sum', phrase: () => ', sum', code: () => '.reduce((t,v)=>t+v,0)', apply: (a) => asArray(a).reduce((t, v) => t + v, 0) },
  { name: 'count', phrase: () => ', count', code: () => '.length', apply: (a) => asArray(a).length },
  { name: 'max', phrase: () => ', max', code: () => '.reduce((m,v)=>v>m?v:m,0)', apply: (a) => asArray(a).reduce((m, v) => (v > m ? v : m), 0) },
];

export const STRING_STAGES: readonly StagePiece[] = [
  { name: 'upper', phrase: () => ', upper', code: () => '.toUpperCase()', apply: (s) => asString(s).toUpperCase() },
  { name: 'lower', phrase: () => ', lower', code: () => '.toLowerCase()', apply: (s) => asString(s).toLowerCase() },
  { name: 'reverse', phrase: () => ', reverse', code: () => ".split('').reverse().join('')", apply: (s) => [...asString(s)].reverse().join('') },
  {
    name: 'take',
    shrinks: true,
    slot: int(1, 9),
    phrase: (k) => `, take ${k}`,
    code: (k) => `.slice(0,${k})`,
    apply: (s, k) => asString(s).slice(0, Number(k)),
  },
  { name: 'drop', shrinks: true, slot: int(1, 9), phrase: (k) => `, drop ${k}`, code: (k) => `.slice(${k})`, apply: (s, k) => asString(s).slice(Number(k)) },
  { name: 'last', shrinks: true, slot: int(1, 9), phrase: (k) => `, last ${k}`, code: (k) => `.slice(-${k})`, apply: (s, k) => asString(s).slice(-Number(k)) },
  { name: 'append', slot: word(1, 3), phrase: (w) => `, append ${w}`, code: (w) => `.concat('${w}')`, apply: (s, w) => asString(s).concat(String(w)) },
  // The two-letter slot "ab" reads "replace a with b".
  {
    name: 'replace',
    slot: word(2, 2),
    phrase: (w) => `, replace ${String(w)[0]} with ${String(w)[1]}`,
    code: (w) => `.replaceAll('${String(w)[0]}','${String(w)[1]}')`,
    apply: (s, w) => asString(s).replaceAll(String(w)[0]!, String(w)[1]!),
  },
];

export const STRING_TERMINALS: readonly StagePiece[] = [
  { name: 'length', phrase: () => ', length', code: () => '.length', apply: (s) => asString(s).length },
  { name: 'index of', slot: word(1, 2), phrase: (w) => `, index of ${w}`, code: (w) => `.indexOf('${w}')`, apply: (s, w) => asString(s).indexOf(String(w)) },
];

const OPERATOR_WORDS: ReadonlyArray<[ArithmeticOperator, string]> = [
  ['+', 'plus'],
  ['-', 'minus'],
  ['*', 'times'],
  ['%', 'mod'],
];

function arithmeticPiece(operator: ArithmeticOperator, wordForm: string, slot: SlotSpec): ArithmeticPiece {
  return { name: `${wordForm} ${slot.kind}`, operator, slot, phrase: (x) => ` ${wordForm} ${x}`, code: (x) => `${operator}${x}` };
}

/** Arithmetic with constant operands: mod only by 2..99 (never 0), times by 2..99, plus/minus 1..99. */
export const CONSTANT_ARITHMETIC: readonly ArithmeticPiece[] = OPERATOR_WORDS.map(([operator, wordForm]) =>
  arithmeticPiece(operator, wordForm, operator === '+' || operator === '-' ? int(1, 99) : int(2, 99)),
);

/** Arithmetic whose operand is a parameter (never mod, so no remainder by zero). */
export const PARAMETER_ARITHMETIC: readonly ArithmeticPiece[] = OPERATOR_WORDS.filter(([operator]) => operator !== '%').map(([operator, wordForm]) =>
  arithmeticPiece(operator, wordForm, { kind: 'param' }),
);
