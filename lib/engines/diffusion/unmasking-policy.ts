// Which masked positions to reveal this step. Pure: no model, no randomness, no state.

export interface Candidate {
  position: number; // canvas index of a still-masked position in the current block
  confidence: number; // the remasking policy's score for its proposed token
}

export type UnmaskingRule =
  | { mode: 'count'; count: number } // fixed-step schedules: exactly this many (or all, if fewer remain)
  | { mode: 'threshold'; threshold: number } // Fast-dLLM: every candidate above the threshold, and at least one
  | { mode: 'factor'; factor: number } // Fast-dLLM's factor rule: the top n while (n + 1)(1 − c_n) < f, at least one
  | { mode: 'below'; probability: number }; // Dream's "origin": each candidate whose confidence (a uniform draw) is below p

/** Returns the positions to commit, most confident first; ties go to the leftmost position. */
export function selectPositionsToCommit(candidates: readonly Candidate[], rule: UnmaskingRule): number[] {
  const ranked = [...candidates].sort((a, b) => b.confidence - a.confidence || a.position - b.position);
  if (rule.mode === 'count') return ranked.slice(0, Math.max(0, rule.count)).map((c) => c.position);
  if (rule.mode === 'below') return ranked.filter((c) => c.confidence < rule.probability).map((c) => c.position);
  if (rule.mode === 'threshold') {
    const confident = ranked.filter((c) => c.confidence > rule.threshold);
    return (confident.length > 0 ? confident : ranked.slice(0, 1)).map((c) => c.position);
  }
  // n-th most confident (1-based) joins while (n + 1)(1 − c_n) < f, i.e. c_n > 1 − f/(n + 1): the bar rises
  // with n, so committing many tokens at once needs each of them to be near certain.
  let n = 1;
  while (n < ranked.length && (n + 2) * (1 - ranked[n]!.confidence) < rule.factor) n++;
  return ranked.slice(0, Math.min(n, ranked.length)).map((c) => c.position);
}
