// sort: sort a string of digits.
//   prompt:  "sort: <N digits>\n"
//   answer:  the same N digits in ascending order
//   length:  N, 1..256 (answer length === length)
//   check:   exact string match
//   example: "sort: 3141\n" -> "1134"
import type { TaskFamily } from './types.ts';
import { DIGITS } from './symbols.ts';

const sorted = (digits: string) => [...digits].sort().join('');

export const sortFamily: TaskFamily = {
  name: 'sort',
  description: 'sort N digits in ascending order',
  minLength: 1,
  maxLength: 256,
  checkedBy: 'exact-match',
  chat: { instruction: 'Sort these digits in ascending order.', reply: 'the sorted digits as one string' },
  generate(length, rng) {
    const input = rng.chars(DIGITS, length);
    return { prompt: `sort: ${input}\n`, answer: sorted(input) };
  },
  solve(prompt) {
    const input = /^sort: ([0-9]+)\n$/.exec(prompt)?.[1];
    return input === undefined ? null : sorted(input);
  },
};
