import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../db/runs.ts';
import { aggregateRuns } from './aggregate.ts';
import { makeRun } from './test-runs.ts';

function run(engine: 'autoregressive' | 'diffusion', setting: string, item: number, passed: boolean, settings: Record<string, unknown>): Run {
  return makeRun({
    engine,
    itemId: `copy-${item}`,
    settings: { ...settings, seed: item, stopReason: 'eos' },
    totalMs: engine === 'autoregressive' ? 100 : 20,
    passed,
    cellKey: `${setting}|${item}`,
    setting,
  });
}

test('a cached setting reports its pass-rate change against the same settings with cache none, paired by item', () => {
  const block = { blockLength: 32, threshold: 0.9 };
  const runs = [0, 1, 2, 3].flatMap((i) => [
    run('autoregressive', 'greedy', i, true, {}),
    run('diffusion', 'block=32 thr=0.9 cache=none', i, true, { ...block, cache: 'none' }),
    run('diffusion', 'block=32 thr=0.9 cache=dual', i, i !== 3, { ...block, cache: 'dual' }), // one item lost
    run('diffusion', 'block=16 thr=0.9 cache=dual', i, true, { blockLength: 16, threshold: 0.9, cache: 'dual' }), // no uncached twin
  ]);
  const bySetting = new Map(aggregateRuns(runs).map((a) => [a.setting, a]));
  const dual = bySetting.get('block=32 thr=0.9 cache=dual')!;
  assert.deepEqual(dual.cacheEffect, { versus: 'block=32 thr=0.9 cache=none', n: 4, passRateDelta: -0.25 });
  assert.equal(bySetting.get('block=32 thr=0.9 cache=none')!.cacheEffect, null);
  assert.equal(bySetting.get('block=16 thr=0.9 cache=dual')!.cacheEffect, null, 'a different block is not the reference');
  assert.equal(bySetting.get('greedy')!.cacheEffect, null);
  assert.equal(dual.speedup!.median, 5);
});
