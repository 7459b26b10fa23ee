// expand: run-length decoding, a long exact answer from a short prompt.
//   prompt:  "expand: <letter><count>...\n"   letters a-z, neighbouring letters differ, counts 1..30
//   answer:  each letter repeated its count times
//   length:  the answer's length, 1..1024 (a 512-character answer has a prompt of about 100 characters, so
//            long outputs fit a 1,024-token context up to about 800; hosted models take the full range)
//   check:   exact string match
//   example: "expand: a3b12c7\n" -> "aaabbbbbbbbbbbbccccccc"
// The answer needs counting: each run's end depends on every token of the run before it.
import type { TaskFamily } from './types.ts';
import { LOWERCASE } from './symbols.ts';

export const EXPAND_MAX_COUNT = 30;

export function expandRuns(encoded: string): string {
  let out = '';
  for (const [, letter, count] of encoded.matchAll(/([a-z])(\d+)/g)) out += letter!.repeat(Number(count));
  return out;
}

export const expandFamily: TaskFamily = {
  name: 'expand',
  description: `run-length decode letter+count pairs (counts 1..${EXPAND_MAX_COUNT}) into N letters`,
  minLength: 1,
  maxLength: 1024,
  checkedBy: 'exact-match',
  chat: {
    instruction: 'Expand this run-length code: each letter is repeated as many times as the number after it.',
    reply: 'the expanded letters as one string',
  },
  generate(length, rng) {
    let encoded = '';
    let previous = '';
    for (let remaining = length; remaining > 0;) {
      const count = rng.between(1, Math.min(EXPAND_MAX_COUNT, remaining));
      const choices = previous === '' ? LOWERCASE : LOWERCASE.replace(previous, '');
      previous = choices[rng.below(choices.length)]!;
      encoded += previous + count;
      remaining -= count;
    }
    return { prompt: `expand: ${encoded}\n`, answer: expandRuns(encoded) };
  },
  solve(prompt) {
    const encoded = /^expand: ((?:[a-z][1-9]\d{0,2})+)\n$/.exec(prompt)?.[1];
    return encoded === undefined ? null : expandRuns(encoded);
  },
};
