// How a diffusion model's logits line up with the canvas (config.json "diffusion_logits"): "aligned"
// (LLaDA, MDLM): the output at position i predicts token i; "shifted" (Dream, DiffuLLaMA, models adapted from
// an AR model, whose next-token head is kept): the output at position i-1 predicts token i.
export const LOGIT_CONVENTIONS = ['aligned', 'shifted'] as const;
export type LogitConvention = (typeof LOGIT_CONVENTIONS)[number];

export const isLogitConvention = (value: unknown): value is LogitConvention => (LOGIT_CONVENTIONS as readonly unknown[]).includes(value);

/** Why a diffusion config's value cannot be used, naming the field and its choices; null when it can. */
export function logitConventionProblem(value: unknown): string | null {
  if (isLogitConvention(value)) return null;
  const got = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)}`;
  return `config.json: a diffusion model must declare "diffusion_logits": ${LOGIT_CONVENTIONS.map((c) => `"${c}"`).join(' or ')} (${got})`;
}
