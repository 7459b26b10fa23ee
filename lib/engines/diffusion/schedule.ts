// How many masked positions to commit at each step of a block, as the published samplers decide it. Pure.

/** LLaDA's get_num_transfer_tokens: an even split of the block's masks over its steps, the remainder going to the first steps. */
export function tokensPerStep(maskedCount: number, steps: number): number[] {
  const base = Math.floor(maskedCount / steps);
  const remainder = maskedCount % steps;
  return Array.from({ length: steps }, (_, step) => base + (step < remainder ? 1 : 0));
}

/** Dream's generation_config "eps": where its timesteps stop short of 0. */
export const DREAM_EPS = 1e-3;

/**
 * Dream's timesteps, torch.linspace(1, eps, steps + 1) in float32 as torch's CPU kernel computes it: a float32
 * step, the first half counted from the start (start + step·i), the second from the end (end − step·(n − 1 − i)),
 * each rounded once (a fused multiply-add). Bit-equal to torch up to 15 points (14 steps); past that torch's vectorised path
 * can differ in the last bit, which moved no step's token count for 1–79, 128, 256 or 512 steps (checked against torch).
 */
export function dreamTimesteps(steps: number, eps = DREAM_EPS): Float32Array {
  const f = Math.fround;
  const n = steps + 1;
  const [start, end] = [f(1), f(eps)];
  const step = f(f(end - start) / steps);
  const halfway = Math.floor(n / 2);
  return Float32Array.from({ length: n }, (_, i) => (i < halfway ? f(start + step * i) : f(end - step * (n - 1 - i))));
}

/** The probability Dream gives each still-masked position of being revealed at `step`: 1 − s/t, and 1 at the last step. */
export function dreamRevealProbability(step: number, timesteps: Float32Array): number {
  const last = step >= timesteps.length - 2;
  return last ? 1 : Math.fround(1 - Math.fround(timesteps[step + 1]! / timesteps[step]!));
}

/**
 * How many of the `maskedCount` still-masked positions Dream's confidence algorithms (maskgit_plus, topk_margin,
 * entropy) commit at `step`: int(n · (1 − s/t)) in float32, truncated (possibly 0: the step then commits
 * nothing), and every remaining one at the last step.
 */
export function dreamTokensThisStep(maskedCount: number, step: number, timesteps: Float32Array): number {
  if (step >= timesteps.length - 2) return maskedCount;
  return Math.trunc(Math.fround(Math.fround(maskedCount) * dreamRevealProbability(step, timesteps)));
}
