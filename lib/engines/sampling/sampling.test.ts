import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeProcessors, softmax, suppressTokens, temperatureScale, topKFilter, topPFilter } from './logits-processors.ts';
import { createRng } from './rng.ts';
import { argmax, multinomialSampler } from './samplers.ts';
import { firstStop, stopAtMaxTokens, stopOnEos } from './stopping-criteria.ts';

describe('logits processors', () => {
  const row = Float64Array.from([1, 4, 2, 3]);
  test('suppress, temperature, top-k, top-p', () => {
    assert.deepEqual([...suppressTokens([1])(row)], [1, -Infinity, 2, 3]);
    assert.deepEqual([...temperatureScale(2)(row)], [0.5, 2, 1, 1.5]);
    assert.deepEqual([...topKFilter(2)(row)], [-Infinity, 4, -Infinity, 3]);
    assert.deepEqual([...topKFilter(0)(row)], [1, 4, 2, 3]);
    const probs = softmax(row);
    const kept = topPFilter(probs[1]! + 1e-9)(row); // just over the top token's mass: top two survive
    assert.deepEqual(
      [...kept].map((v) => v > -Infinity),
      [false, true, false, true],
    );
    assert.deepEqual(
      [...topPFilter(1e-6)(row)].map((v) => v > -Infinity),
      [false, true, false, false],
    );
  });
  test('compose applies in order', () => {
    assert.equal(argmax(composeProcessors([suppressTokens([1]), topKFilter(1)])(row)), 3);
  });
});

describe('samplers and rng', () => {
  test('rng is deterministic per seed and uniform-ish', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 10000 }, () => a.next());
    assert.deepEqual(
      xs.slice(0, 5),
      Array.from({ length: 5 }, () => b.next()),
    );
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });
  test('multinomial follows the distribution', () => {
    const sample = multinomialSampler(createRng(1));
    const counts = [0, 0];
    const logits = Float64Array.from([Math.log(0.25), Math.log(0.75)]);
    for (let i = 0; i < 4000; i++) counts[sample(logits)]!++;
    assert.ok(Math.abs(counts[1]! / 4000 - 0.75) < 0.03);
  });
  test('argmax takes the first of equal values', () => {
    assert.equal(argmax([1, 3, 3]), 1);
  });
});

describe('stopping criteria', () => {
  test('eos and max tokens', () => {
    const criteria = [stopOnEos(1), stopAtMaxTokens(3)];
    assert.equal(firstStop(criteria, [5]), null);
    assert.equal(firstStop(criteria, [5, 1]), 'eos');
    assert.equal(firstStop(criteria, [5, 6, 7]), 'max_tokens');
  });
});
