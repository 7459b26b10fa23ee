// Logits processors for autoregressive sampling: each takes one row of logits and returns a new row.
// They compose in the order transformers uses: suppress → temperature → top-k → top-p.

export type LogitsProcessor = (logits: Float64Array) => Float64Array;

/** Forbids the given tokens (e.g. <eos> before minNewTokens). */
export function suppressTokens(tokenIds: readonly number[]): LogitsProcessor {
  return (logits) => {
    const out = Float64Array.from(logits);
    for (const id of tokenIds) out[id] = -Infinity;
    return out;
  };
}

export function temperatureScale(temperature: number): LogitsProcessor {
  return (logits) => logits.map((v) => v / temperature);
}

/** Keeps the k largest logits (ties at the k-th value are kept too). */
export function topKFilter(k: number): LogitsProcessor {
  return (logits) => {
    if (k <= 0 || k >= logits.length) return logits;
    const kth = Float64Array.from(logits).sort().reverse()[k - 1]!;
    return logits.map((v) => (v < kth ? -Infinity : v));
  };
}

/** Keeps the smallest set of most likely tokens whose probability mass reaches p (always at least one). */
export function topPFilter(p: number): LogitsProcessor {
  return (logits) => {
    if (p >= 1) return logits;
    const probs = softmax(logits);
    const order = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]!);
    const keep = new Uint8Array(logits.length);
    let mass = 0;
    for (const id of order) {
      keep[id] = 1;
      mass += probs[id]!;
      if (mass >= p) break;
    }
    return logits.map((v, i) => (keep[i] ? v : -Infinity));
  };
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function composeProcessors(processors: readonly LogitsProcessor[]): LogitsProcessor {
  return (logits) => processors.reduce((row, process) => process(row), logits);
}
