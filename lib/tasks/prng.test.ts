// The seeded generator and the mixed-length distribution built on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lengthSampler } from './length-mix.ts';
import { Rng } from './prng.ts';
import { findFamily } from './registry.ts';

test('the same key gives the same stream; different keys give different streams', () => {
  const a = new Rng('sort|16|7|0');
  const b = new Rng('sort|16|7|0');
  const c = new Rng('sort|16|7|1');
  const first = Array.from({ length: 8 }, () => a.uint32());
  assert.deepEqual(
    Array.from({ length: 8 }, () => b.uint32()),
    first,
  );
  assert.notDeepEqual(
    Array.from({ length: 8 }, () => c.uint32()),
    first,
  );
});

test('below(n) is in range and roughly uniform', () => {
  const rng = new Rng('uniformity');
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 20_000; i++) counts[rng.below(10)]++;
  for (const count of counts) assert.ok(count > 1700 && count < 2300, `bucket count ${count}`);
  assert.throws(() => rng.below(0));
  for (let i = 0; i < 1000; i++) {
    const x = rng.between(-3, 3);
    assert.ok(Number.isInteger(x) && x >= -3 && x <= 3);
    const f = rng.float();
    assert.ok(f >= 0 && f < 1);
  }
});

test('mixed lengths follow P(L) ~ 1/L within the family range', () => {
  const copy = findFamily('copy')!;
  const sampler = lengthSampler(copy, 256, 0, 'train')!;
  const counts = new Map<number, number>();
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const length = sampler.draw(i);
    assert.ok(length >= 1 && length <= 256);
    counts.set(length, (counts.get(length) ?? 0) + 1);
  }
  const harmonic = Array.from({ length: 256 }, (_, i) => 1 / (i + 1)).reduce((s, x) => s + x, 0);
  const expectedOnes = n / harmonic; // about 16% of items
  assert.ok(Math.abs(counts.get(1)! - expectedOnes) < expectedOnes * 0.1, `L=1 drawn ${counts.get(1)} times`);
  assert.ok((counts.get(1) ?? 0) > 1.6 * (counts.get(2) ?? 0), 'L=1 about twice as common as L=2');
  assert.equal(lengthSampler(findFamily('code')!, 7, 0, 'train'), undefined, 'no code lengths up to 7');
  const code = lengthSampler(findFamily('code')!, 300, 0, 'eval')!;
  assert.deepEqual([code.minLength, code.maxLength], [8, 256]);
});
