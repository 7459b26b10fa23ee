// add: add two K-digit decimal numbers.
//   prompt:  "add: <a>+<b>\n"   a and b have exactly K digits each, no leading zero unless K = 1
//   answer:  a + b in decimal, no leading zeros (K or K+1 digits: the carry can add one)
//   length:  K, 1..255 (so the answer has at most 256 characters)
//   check:   exact string match
//   example: "add: 123+456\n" -> "579"; "add: 77+55\n" -> "132"
import type { Rng } from './prng.ts';
import type { TaskFamily } from './types.ts';
import { DIGITS } from './symbols.ts';

const sum = (a: string, b: string) => (BigInt(a) + BigInt(b)).toString();

/** A uniformly random K-digit number as a decimal string (leading digit 1..9 when K > 1). */
function randomNumber(digits: number, rng: Rng): string {
  if (digits === 1) return rng.chars(DIGITS, 1);
  return rng.chars(DIGITS.slice(1), 1) + rng.chars(DIGITS, digits - 1);
}

export const addFamily: TaskFamily = {
  name: 'add',
  description: 'add two K-digit numbers (answer has K or K+1 digits)',
  minLength: 1,
  maxLength: 255,
  checkedBy: 'exact-match',
  chat: { instruction: 'Add these two numbers.', reply: 'the sum in decimal digits' },
  generate(length, rng) {
    const a = randomNumber(length, rng);
    const b = randomNumber(length, rng);
    return { prompt: `add: ${a}+${b}\n`, answer: sum(a, b) };
  },
  solve(prompt) {
    const match = /^add: ([0-9]+)\+([0-9]+)\n$/.exec(prompt);
    return match ? sum(match[1]!, match[2]!) : null;
  },
};
