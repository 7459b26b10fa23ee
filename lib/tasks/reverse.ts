// reverse: write a string of symbols backwards.
//   prompt:  "reverse: <N symbols>\n"   symbols are lowercase letters and digits
//   answer:  the N symbols in reverse order
//   length:  N, 1..256 (answer length === length)
//   check:   exact string match
//   example: "reverse: k3x9\n" -> "9x3k"
import type { TaskFamily } from './types.ts';
import { LETTERS_AND_DIGITS } from './symbols.ts';

const reversed = (symbols: string) => [...symbols].reverse().join('');

export const reverseFamily: TaskFamily = {
  name: 'reverse',
  description: 'write N lowercase letters/digits backwards',
  minLength: 1,
  maxLength: 256,
  checkedBy: 'exact-match',
  chat: { instruction: 'Reverse this string.', reply: 'the reversed string' },
  generate(length, rng) {
    const input = rng.chars(LETTERS_AND_DIGITS, length);
    return { prompt: `reverse: ${input}\n`, answer: reversed(input) };
  },
  solve(prompt) {
    const input = /^reverse: ([a-z0-9]+)\n$/.exec(prompt)?.[1];
    return input === undefined ? null : reversed(input);
  },
};
