// Composes a random code-family program whose canonical solution is EXACTLY `length` characters.
//
// A program has a shape (number function of x / x,y / x,y,z, array function of a, string function of
// s). Each piece with a slot comes in a few widths (a 1- or 2-digit constant, a 1..3-letter word),
// so every "move" adds a known number of characters. For each shape we precompute which remaining
// character budgets can be filled exactly (a small dynamic program over the move lengths), then walk
// randomly, only ever taking moves that leave a fillable budget. The walk therefore always lands on
// the exact length, and the shapes that cannot reach a length are simply not chosen for it. A
// pipeline may use at most MAX_SHRINKING_STAGES stages that drop items (filters, slices), so the
// budget tables are indexed by how many of those are still allowed, too. Number
// functions reach every length >= 8 (the shortest is like "(x)=>x+1"); array and string functions
// need at least 13 characters ("(a)=>a.length"), so lengths 8..12 are always arithmetic.
import {
  ARRAY_STAGES,
  ARRAY_TERMINALS,
  CONSTANT_ARITHMETIC,
  PARAMETER_ARITHMETIC,
  STRING_STAGES,
  STRING_TERMINALS,
  WORD_LETTERS,
  type ArithmeticPiece,
  type Piece,
  type SlotArg,
  type SlotSpec,
  type StagePiece,
} from './code-grammar.ts';
import type { CodeProgram, InputKind } from './code-program.ts';
import type { Rng } from './prng.ts';

export const CODE_MIN_LENGTH = 8;
export const CODE_MAX_LENGTH = 256;

/** Arithmetic after an array/string terminal is capped so long programs are mostly pipeline stages. */
const MAX_TAIL_CHARS = 12;
/** Filters and slices per pipeline: more would usually leave nothing for the tests to tell apart. */
const MAX_SHRINKING_STAGES = 2;
/** Relative odds of continuing the pipeline versus closing it with a terminal, when both are possible. */
const STAGE_WEIGHT = 3;
const TERMINAL_WEIGHT = 1;

interface Shape {
  kind: InputKind;
  params: readonly string[];
  stages: readonly StagePiece[];
  terminals: readonly StagePiece[];
  arithmetic: readonly ArithmeticPiece[];
  maxArithmeticChars: number;
}

const SHAPES: readonly Shape[] = [
  ...[['x'], ['x', 'y'], ['x', 'y', 'z']].map((params): Shape => ({
    kind: 'number',
    params,
    stages: [],
    terminals: [],
    arithmetic: [...CONSTANT_ARITHMETIC, ...PARAMETER_ARITHMETIC],
    maxArithmeticChars: Infinity,
  })),
  { kind: 'array', params: ['a'], stages: ARRAY_STAGES, terminals: ARRAY_TERMINALS, arithmetic: CONSTANT_ARITHMETIC, maxArithmeticChars: MAX_TAIL_CHARS },
  { kind: 'string', params: ['s'], stages: STRING_STAGES, terminals: STRING_TERMINALS, arithmetic: CONSTANT_ARITHMETIC, maxArithmeticChars: MAX_TAIL_CHARS },
];

/** One piece at one slot width, with the number of code characters it adds. */
interface Move<P extends Piece> {
  piece: P;
  width: number;
  length: number;
}

function digitCount(n: number): number {
  return String(n).length;
}

function slotWidths(slot: SlotSpec | undefined): number[] {
  if (!slot) return [0];
  if (slot.kind === 'param') return [1]; // parameter names are single letters
  const [lo, hi] = slot.kind === 'int' ? [digitCount(slot.min), digitCount(slot.max)] : [slot.minLetters, slot.maxLetters];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** Smallest/uniform-random slot value of the given width. */
function intRange(slot: { min: number; max: number }, width: number): [number, number] {
  return [Math.max(slot.min, width === 1 ? 0 : 10 ** (width - 1)), Math.min(slot.max, 10 ** width - 1)];
}

function exampleArg(slot: SlotSpec | undefined, width: number): SlotArg {
  if (!slot) return 0;
  if (slot.kind === 'int') return intRange(slot, width)[0];
  return slot.kind === 'word' ? 'a'.repeat(width) : 'x';
}

function drawArg(slot: SlotSpec | undefined, width: number, params: readonly string[], rng: Rng): SlotArg {
  if (!slot) return 0;
  if (slot.kind === 'int') return rng.between(...intRange(slot, width));
  return slot.kind === 'word' ? rng.chars(WORD_LETTERS, width) : rng.pick(params);
}

function movesOf<P extends Piece>(pieces: readonly P[]): Move<P>[] {
  return pieces.flatMap((piece) => slotWidths(piece.slot).map((width) => ({ piece, width, length: piece.code(exampleArg(piece.slot, width)).length })));
}

/** table[g]: can exactly g more characters be produced from this phase? Built for g = 0..maxGap. */
function fillableTable(maxGap: number, step: (gap: number, table: boolean[]) => boolean): boolean[] {
  const table: boolean[] = [true];
  for (let gap = 1; gap <= maxGap; gap++) table.push(step(gap, table));
  return table;
}

interface PreparedShape extends Shape {
  headLength: number; // "(x,y)=>x".length
  stageMoves: Move<StagePiece>[];
  terminalMoves: Move<StagePiece>[];
  arithmeticMoves: Move<ArithmeticPiece>[];
  arithmeticFillable: boolean[];
  /** pipelineFillable[s][gap], s = shrinking stages still allowed; only used by array/string shapes. */
  pipelineFillable: boolean[][];
}

function fits(move: Move<Piece>, gap: number, table: readonly boolean[]): boolean {
  return move.length <= gap && table[gap - move.length]!;
}

/** The table a stage move leads to: shrinking stages use up one of the allowed ones. */
function tableAfter(move: Move<StagePiece>, shrinkingLeft: number, tables: readonly boolean[][]): readonly boolean[] | undefined {
  return move.piece.shrinks ? tables[shrinkingLeft - 1] : tables[shrinkingLeft];
}

function prepare(shape: Shape): PreparedShape {
  const stageMoves = movesOf(shape.stages);
  const terminalMoves = movesOf(shape.terminals);
  const arithmeticMoves = movesOf(shape.arithmetic);
  const arithmeticFillable = fillableTable(
    CODE_MAX_LENGTH,
    (gap, table) => gap <= shape.maxArithmeticChars && arithmeticMoves.some((m) => fits(m, gap, table)),
  );
  const pipelineFillable: boolean[][] = [];
  for (let shrinkingLeft = 0; shrinkingLeft <= MAX_SHRINKING_STAGES; shrinkingLeft++) {
    pipelineFillable.push(
      fillableTable(CODE_MAX_LENGTH, (gap, table) => {
        const tables = [...pipelineFillable, table]; // this level's table is still being built
        return (
          stageMoves.some((m) => {
            const next = tableAfter(m, shrinkingLeft, tables);
            return next !== undefined && fits(m, gap, next);
          }) || terminalMoves.some((m) => fits(m, gap, arithmeticFillable))
        );
      }),
    );
  }
  const headLength = `(${shape.params.join(',')})=>`.length + 1;
  return { ...shape, headLength, stageMoves, terminalMoves, arithmeticMoves, arithmeticFillable, pipelineFillable };
}

const PREPARED_SHAPES = SHAPES.map(prepare);

function canProduce(shape: PreparedShape, length: number): boolean {
  const gap = length - shape.headLength;
  if (gap < 0 || gap > CODE_MAX_LENGTH) return false;
  return shape.kind === 'number' ? shape.arithmeticFillable[gap]! : shape.pipelineFillable[MAX_SHRINKING_STAGES]![gap]!;
}

/** Chooses a shape: first an input kind uniformly among those that can reach `length`, then a shape of it. */
function chooseShape(length: number, rng: Rng): PreparedShape {
  const eligible = PREPARED_SHAPES.filter((shape) => canProduce(shape, length));
  const kinds = [...new Set(eligible.map((shape) => shape.kind))];
  if (kinds.length === 0) throw new RangeError(`code: no program has exactly ${length} characters (lengths ${CODE_MIN_LENGTH}..${CODE_MAX_LENGTH})`);
  const kind = rng.pick(kinds);
  return rng.pick(eligible.filter((shape) => shape.kind === kind));
}

export function composeProgram(length: number, rng: Rng): CodeProgram {
  const shape = chooseShape(length, rng);
  const head = shape.kind === 'number' ? rng.pick(shape.params) : shape.params[0]!;
  const stages: Array<{ piece: StagePiece; arg: SlotArg }> = [];
  const arithmetic: Array<{ piece: ArithmeticPiece; arg: SlotArg }> = [];
  let gap = length - shape.headLength;
  let shrinkingLeft = MAX_SHRINKING_STAGES;
  let inArithmetic = shape.kind === 'number';
  const take = <P extends Piece>(move: Move<P>): { piece: P; arg: SlotArg } => {
    gap -= move.length;
    return { piece: move.piece, arg: drawArg(move.piece.slot, move.width, shape.params, rng) };
  };
  // Invariant: the remaining gap is fillable from the current phase, so a valid move always exists.
  while (gap > 0) {
    if (inArithmetic) {
      const moves = shape.arithmeticMoves.filter((m) => fits(m, gap, shape.arithmeticFillable));
      arithmetic.push(take(rng.pick(moves)));
      continue;
    }
    const stageMoves = shape.stageMoves.filter((m) => {
      const next = tableAfter(m, shrinkingLeft, shape.pipelineFillable);
      return next !== undefined && fits(m, gap, next);
    });
    const terminalMoves = shape.terminalMoves.filter((m) => fits(m, gap, shape.arithmeticFillable));
    const stageWeight = stageMoves.length > 0 ? STAGE_WEIGHT : 0;
    const terminalWeight = terminalMoves.length > 0 ? TERMINAL_WEIGHT : 0;
    if (rng.below(stageWeight + terminalWeight) < stageWeight) {
      const move = rng.pick(stageMoves);
      if (move.piece.shrinks) shrinkingLeft--;
      stages.push(take(move));
    } else {
      stages.push(take(rng.pick(terminalMoves)));
      inArithmetic = true;
    }
  }
  return { inputKind: shape.kind, params: shape.params, head, stages, arithmetic };
}
