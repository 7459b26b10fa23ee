// How many masked positions to commit at each step of a block (LLaDA's get_num_transfer_tokens):
// an even split of the block's masks over its steps, the remainder going to the first steps.

export function tokensPerStep(maskedCount: number, steps: number): number[] {
  const base = Math.floor(maskedCount / steps);
  const remainder = maskedCount % steps;
  return Array.from({ length: steps }, (_, step) => base + (step < remainder ? 1 : 0));
}
