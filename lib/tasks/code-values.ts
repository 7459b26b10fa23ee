// Values the code-family functions take and return, JavaScript-exact arithmetic over them, and
// rendering of values as JavaScript literals for the generated `check` source.

export type CodeValue = number | string | number[];

export type ArithmeticOperator = '+' | '-' | '*' | '%';

/**
 * Evaluates `first op1 v1 op2 v2 ...` with JavaScript's precedence and left-to-right associativity
 * (* and % bind tighter than + and -), doing the same floating-point operations in the same order as
 * JavaScript would, so the expected outputs match the canonical solution bit for bit.
 */
export function evaluateArithmetic(first: number, rest: ReadonlyArray<{ operator: ArithmeticOperator; value: number }>): number {
  let total: number | undefined; // sum of the finished additive terms
  let pendingOperator: '+' | '-' = '+';
  let term = first; // the multiplicative term being built
  for (const { operator, value } of rest) {
    if (operator === '*') term = term * value;
    else if (operator === '%') term = term % value;
    else {
      total = total === undefined ? term : pendingOperator === '+' ? total + term : total - term;
      pendingOperator = operator;
      term = value;
    }
  }
  if (total === undefined) return term;
  return pendingOperator === '+' ? total + term : total - term;
}

/** Anything the test source spells out: a value or a list of them (e.g. an argument list). */
export type Literal = CodeValue | readonly Literal[];

/** JavaScript source for a value (numbers round-trip exactly through String()). */
export function jsLiteral(value: Literal): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => jsLiteral(item)).join(',')}]`;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}
