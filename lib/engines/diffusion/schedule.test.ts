// The step schedules against the published samplers' own numbers: LLaDA's get_num_transfer_tokens and Dream's
// torch.linspace timesteps and int(n·(1 − s/t)) counts (the expected values were printed by torch 1.13).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dreamRevealProbability, dreamTimesteps, dreamTokensThisStep, tokensPerStep } from './schedule.ts';
import { selectPositionsToCommit } from './unmasking-policy.ts';

/** Runs Dream's counts over `steps` steps from `masked` masked positions, as its _sample loop does. */
function dreamCounts(masked: number, steps: number): number[] {
  const timesteps = dreamTimesteps(steps);
  const counts: number[] = [];
  for (let step = 0; step < steps; step++) {
    counts.push(dreamTokensThisStep(masked, step, timesteps));
    masked -= counts.at(-1)!;
  }
  return counts;
}

describe('LLaDA schedule', () => {
  test('an even split, the remainder to the first steps', () => {
    assert.deepEqual(tokensPerStep(10, 4), [3, 3, 2, 2]);
    assert.deepEqual(tokensPerStep(8, 8), [1, 1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('Dream schedule', () => {
  test('timesteps are torch.linspace(1, 1e-3, steps + 1) in float32, bit for bit', () => {
    assert.deepEqual([...dreamTimesteps(4)], [1.0, 0.750249981880188, 0.5005000233650208, 0.25075000524520874, 0.0010000000474974513]);
    const twelve = dreamTimesteps(12);
    assert.deepEqual([twelve[1], twelve[3], twelve[5], twelve[12]], [0.9167500138282776, 0.750249981880188, 0.5837500095367432, 0.0010000000474974513]);
  });

  test('each step commits int(n·(1 − s/t)) of the n still masked (0 allowed), the last step all the rest', () => {
    assert.deepEqual(dreamCounts(4, 4), [0, 1, 1, 2], '4 × 0.24975 truncates to 0: the first step commits nothing');
    assert.deepEqual(dreamCounts(11, 4), [2, 2, 3, 4]);
    assert.deepEqual(dreamCounts(29, 4), [7, 7, 7, 8]);
    assert.deepEqual(dreamCounts(12, 12), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert.deepEqual(dreamCounts(27, 12), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4]);
    for (const [masked, steps] of [
      [64, 64],
      [100, 7],
      [5, 1],
    ]) {
      assert.equal(
        dreamCounts(masked!, steps!).reduce((a, b) => a + b, 0),
        masked,
        'every position is revealed by the last step',
      );
    }
  });

  test('"origin": each masked position is revealed with probability 1 − s/t, certainly at the last step', () => {
    const timesteps = dreamTimesteps(4);
    assert.equal(dreamRevealProbability(0, timesteps), Math.fround(1 - Math.fround(0.750249981880188)));
    assert.equal(dreamRevealProbability(3, timesteps), 1);
    const draws = [0.1, 0.3, 0.24, 0.9].map((confidence, position) => ({ position, confidence }));
    assert.deepEqual(selectPositionsToCommit(draws, { mode: 'below', probability: 0.25 }).sort(), [0, 2]);
    assert.deepEqual(selectPositionsToCommit(draws, { mode: 'below', probability: 1 }).length, 4);
  });
});
