// Block diffusion as a sweep's third series: the spec names it (its model or its grid), its grid takes only the
// settings it reads, its cells are keyed apart from the pair's, and its aggregates get a speedup against AR.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Run } from '../db/runs.ts';
import { makeRun } from './test-runs.ts';
import { aggregateRuns } from './aggregate.ts';
import { BUNDLED_BLOCK_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { expandCells, parseSpec, SpecError } from './spec.ts';

describe('block diffusion in experiment specs', () => {
  test('absent unless named; a grid alone picks the bundled block model; models.block_diffusion alone gets the default setting', () => {
    const pair = parseSpec({ tasks: ['copy'], lengths: [8] });
    assert.equal(pair.models.block_diffusion, undefined);
    assert.deepEqual(pair.blockDiffusion, []);
    assert.ok(expandCells(pair).every((c) => c.engine !== 'block_diffusion'));

    const grid = parseSpec({
      tasks: ['copy'],
      lengths: [8, 32],
      itemsPerLength: 2,
      blockDiffusion: [{ steps: ['L', 'L/4'] }, { threshold: 0.9, remasking: ['low_confidence', 'margin'] }],
    });
    assert.equal(grid.models.block_diffusion, BUNDLED_BLOCK_DIFFUSION_MODEL_ID);
    assert.deepEqual(
      grid.blockDiffusion.map((g) => g.label),
      ['steps=L', 'steps=L/4', 'threshold=0.9 remasking=low_confidence', 'threshold=0.9 remasking=margin'],
    );
    const cells = expandCells(grid);
    const block = cells.filter((c) => c.engine === 'block_diffusion');
    assert.equal(block.length, 2 * 2 * 4); // lengths × items × settings
    assert.equal(new Set(cells.map((c) => c.key)).size, cells.length, 'cell keys stay unique across the three engines');
    assert.ok(block.every((c) => c.key.startsWith('block_diffusion|')));

    const named = parseSpec({ tasks: ['copy'], lengths: [8], models: { block_diffusion: 'my-block-model' } });
    assert.equal(named.models.block_diffusion, 'my-block-model');
    assert.deepEqual(
      named.blockDiffusion.map((g) => g.label),
      ['default'],
    );
  });

  test('the block grid rejects what block diffusion does not read, naming the field', () => {
    for (const [grid, field] of [
      [{ cache: 'dual' }, 'blockDiffusion.cache'],
      [{ blockLength: 32 }, 'blockDiffusion.blockLength'],
      [{ threshold: 1.5 }, 'blockDiffusion.threshold'],
      [{ remasking: 'loudest' }, 'blockDiffusion.remasking'],
    ] as const) {
      assert.throws(
        () => parseSpec({ tasks: ['copy'], lengths: [8], blockDiffusion: grid }),
        (e: Error) => e instanceof SpecError && e.field === field,
        field,
      );
    }
    assert.throws(
      () => parseSpec({ tasks: ['copy'], lengths: [8], models: { blocks: 'x' } }),
      (e: Error) => e instanceof SpecError && e.field === 'models.blocks',
    );
  });
});

function run(engine: string, item: number, totalMs: number): Run {
  return makeRun({ engine: engine as Run['engine'], itemId: `copy-${item}`, totalMs, cellKey: `${engine}|${item}` });
}

test('block-diffusion aggregates come after the pair and get the AR ÷ block speedup, paired by item', () => {
  const runs = [0, 1, 2].flatMap((item) => [run('block_diffusion', item, 25), run('diffusion', item, 50), run('autoregressive', item, 100)]);
  const aggregates = aggregateRuns(runs);
  assert.deepEqual(
    aggregates.map((a) => a.engine),
    ['autoregressive', 'diffusion', 'block_diffusion'],
  );
  assert.equal(aggregates[2]!.speedup?.median, 4);
  assert.equal(aggregates[2]!.speedup?.n, 3);
  assert.equal(aggregates[1]!.speedup?.median, 2);
});
