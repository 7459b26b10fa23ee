// copy: repeat a string of symbols.
//   prompt:  "copy: <N symbols>\n"   symbols are lowercase letters and digits
//   answer:  the same N symbols
//   length:  N, 1..256 (answer length === length)
//   check:   exact string match
//   example: "copy: k3x9\n" -> "k3x9"
import type { TaskFamily } from './types.ts';
import { LETTERS_AND_DIGITS } from './symbols.ts';

export const copyFamily: TaskFamily = {
  name: 'copy',
  description: 'repeat N lowercase letters/digits',
  minLength: 1,
  maxLength: 256,
  checkedBy: 'exact-match',
  chat: { instruction: 'Copy this string exactly.', reply: 'the string' },
  generate(length, rng) {
    const input = rng.chars(LETTERS_AND_DIGITS, length);
    return { prompt: `copy: ${input}\n`, answer: input };
  },
  solve(prompt) {
    return /^copy: ([a-z0-9]+)\n$/.exec(prompt)?.[1] ?? null;
  },
};
