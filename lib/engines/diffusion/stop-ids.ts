// Where a canvas decoder's output ends: at the first stop id (<eos>, or a published family's end-of-turn token:
// LLaDA pads an answer with <|endoftext|> after <|eot_id|>, Dream's chat turn ends in <|im_end|>). Pure.

/** True once the output is fixed: some stop id (<eos>, an end-of-turn token) is committed and every position before it is committed. */
export function outputIsSettled(answer: Int32Array, maskId: number, stopIds: number | readonly number[]): boolean {
  const stops = typeof stopIds === 'number' ? [stopIds] : stopIds;
  for (let i = 0; i < answer.length; i++) {
    if (answer[i] === maskId) return false;
    if (stops.includes(answer[i]!)) return true;
  }
  return true; // no mask left at all
}

/** Where the output ends: the first stop id among answer[0, limit), or -1. */
export function firstStopIndex(answer: Int32Array, stopIds: readonly number[], limit = answer.length): number {
  for (let i = 0; i < limit; i++) if (stopIds.includes(answer[i]!)) return i;
  return -1;
}
