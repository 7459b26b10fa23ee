import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../sampling/rng.ts';
import { outputIsSettled } from './engine.ts';
import { tokensPerStep } from './schedule.ts';
import { proposeToken } from './scoring.ts';
import { selectPositionsToCommit } from './unmasking-policy.ts';

describe('tokensPerStep (LLaDA get_num_transfer_tokens)', () => {
  test('splits evenly with the remainder on the first steps', () => {
    assert.deepEqual(tokensPerStep(10, 4), [3, 3, 2, 2]);
    assert.deepEqual(tokensPerStep(8, 8), [1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(tokensPerStep(7, 1), [7]);
    assert.deepEqual(tokensPerStep(3, 5), [1, 1, 1, 0, 0]);
  });
  test('always sums to the masked count', () => {
    for (let n = 0; n < 40; n++)
      for (let s = 1; s <= 12; s++)
        assert.equal(
          tokensPerStep(n, s).reduce((a, b) => a + b, 0),
          n,
        );
  });
});

describe('selectPositionsToCommit', () => {
  const candidates = [
    { position: 4, confidence: 0.2 },
    { position: 1, confidence: 0.9 },
    { position: 7, confidence: 0.95 },
    { position: 2, confidence: 0.9 },
  ];
  test('count mode takes the most confident, leftmost first on ties', () => {
    assert.deepEqual(selectPositionsToCommit(candidates, { mode: 'count', count: 3 }), [7, 1, 2]);
    assert.deepEqual(selectPositionsToCommit(candidates, { mode: 'count', count: 10 }), [7, 1, 2, 4]);
    assert.deepEqual(selectPositionsToCommit(candidates, { mode: 'count', count: 0 }), []);
  });
  test('threshold mode takes everything above the threshold', () => {
    assert.deepEqual(selectPositionsToCommit(candidates, { mode: 'threshold', threshold: 0.5 }), [7, 1, 2]);
  });
  test('threshold mode commits at least the single most confident position', () => {
    assert.deepEqual(selectPositionsToCommit(candidates, { mode: 'threshold', threshold: 0.99 }), [7]);
  });
  test('does not mutate its input', () => {
    const copy = structuredClone(candidates);
    selectPositionsToCommit(candidates, { mode: 'count', count: 2 });
    assert.deepEqual(candidates, copy);
  });
});

describe('proposeToken', () => {
  const logits = Float32Array.from([0, 5, 1, 3, 2]); // token 1 is best; token 2 plays <mask>
  const rng = createRng(0);
  test('low_confidence scores the softmax probability of the argmax', () => {
    const p = proposeToken(logits, 0, 5, 'low_confidence', 0, rng, 2);
    const z = [0, 5, 1, 3, 2].reduce((a, v) => a + Math.exp(v), 0);
    assert.equal(p.tokenId, 1);
    assert.ok(Math.abs(p.confidence - Math.exp(5) / z) < 1e-12);
  });
  test('margin is top-1 minus top-2 probability; entropy is the negative entropy', () => {
    const z = [0, 5, 1, 3, 2].reduce((a, v) => a + Math.exp(v), 0);
    const probs = [0, 5, 1, 3, 2].map((v) => Math.exp(v) / z);
    assert.ok(Math.abs(proposeToken(logits, 0, 5, 'margin', 0, rng, 2).confidence - (probs[1]! - probs[3]!)) < 1e-12);
    const negEntropy = probs.reduce((a, p) => a + p * Math.log(p), 0);
    assert.ok(Math.abs(proposeToken(logits, 0, 5, 'entropy', 0, rng, 2).confidence - negEntropy) < 1e-12);
  });
  test('never proposes the mask token, even when it is the argmax', () => {
    assert.equal(proposeToken(Float32Array.from([0, 1, 9]), 0, 3, 'low_confidence', 0, rng, 2).tokenId, 1);
  });
  test('Gumbel sampling at high temperature spreads choices; reads the right row', () => {
    const seen = new Set<number>();
    const r = createRng(42);
    for (let i = 0; i < 200; i++) seen.add(proposeToken(Float32Array.from([9, 9, 0, 1, 1, 0]), 3, 3, 'random', 5, r, 99).tokenId);
    assert.deepEqual([...seen].sort(), [0, 1, 2]);
  });
});

describe('outputIsSettled', () => {
  const MASK = 2;
  const EOS = 1;
  test('settled once everything before the first <eos> is committed', () => {
    assert.equal(outputIsSettled(Int32Array.from([5, 6, EOS, MASK, MASK]), MASK, EOS), true);
    assert.equal(outputIsSettled(Int32Array.from([5, MASK, EOS, EOS]), MASK, EOS), false);
    assert.equal(outputIsSettled(Int32Array.from([5, 6, 7]), MASK, EOS), true);
    assert.equal(outputIsSettled(Int32Array.from([MASK]), MASK, EOS), false);
  });
});

describe("Fast-dLLM's factor rule", () => {
  const ranked = (...confidences: number[]) => confidences.map((confidence, position) => ({ position, confidence }));
  test('commits the top n while (n + 1)(1 − c_n) < f', () => {
    // f = 1: n=1 always; n=2 needs 3(1 − c2) < 1 → c2 > 0.667; n=3 needs 4(1 − c3) < 1 → c3 > 0.75.
    assert.deepEqual(selectPositionsToCommit(ranked(0.99, 0.9, 0.8, 0.5), { mode: 'factor', factor: 1 }), [0, 1, 2]);
    assert.deepEqual(selectPositionsToCommit(ranked(0.99, 0.9, 0.7, 0.5), { mode: 'factor', factor: 1 }), [0, 1]);
    // It stops at the first failure even if a later one would pass (ranked order makes that impossible anyway).
    assert.deepEqual(selectPositionsToCommit(ranked(0.99, 0.6, 0.6), { mode: 'factor', factor: 1 }), [0]);
  });
  test('always commits at least one, however unsure', () => {
    assert.deepEqual(selectPositionsToCommit(ranked(0.1, 0.05), { mode: 'factor', factor: 0.5 }), [0]);
  });
  test('a larger factor commits more per step; all when every position is certain', () => {
    const c = ranked(0.95, 0.9, 0.85, 0.79);
    const counts = [0.5, 1, 2, 4].map((f) => selectPositionsToCommit(c, { mode: 'factor', factor: f }).length);
    // f=0.5: 3(0.1)=0.3 ✓, 4(0.15)=0.6 ✗ → 2; f=1: 0.6 ✓, 5(0.21)=1.05 ✗ → 3; f=2: 1.05 ✓ → 4.
    assert.deepEqual(counts, [2, 3, 4, 4]);
  });
});
