// How a cost prints, in the CLI tables and on the experiment page alike.

/** US dollars with enough digits for a single request; "≈" when the token counts were estimated. */
export function formatCost(usd: number | null, estimated: boolean): string {
  if (usd === null || !Number.isFinite(usd)) return '-';
  const digits = usd >= 1 ? 2 : usd >= 0.01 ? 4 : 6;
  return `${estimated ? '≈' : ''}$${usd.toFixed(digits)}`;
}
