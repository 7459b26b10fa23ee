import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../db/runs.ts';
import { mixedSuiteRecords } from '../eval-records.ts';
import { expandCells, parseSpec } from '../spec.ts';
import { canvasUse, laidOut } from './canvas-use.ts';
import { MIN_ITEMS } from './matched.ts';
import { CLAIMS, claimOfTitle, presetSpec } from './registry.ts';

test('every preset is a valid sweep spec with at least 30 items per cell, tagged with its claim', () => {
  assert.deepEqual(
    CLAIMS.map((c) => c.number),
    [1, 2, 3, 4, 5],
  );
  for (const claim of CLAIMS) {
    const spec = parseSpec(presetSpec(claim));
    assert.equal(claimOfTitle(spec.title), claim.id);
    assert.ok(spec.itemsPerLength >= MIN_ITEMS, claim.id);
    assert.equal(spec.threads, 1);
    assert.ok(expandCells(spec).length <= 700, `${claim.id}: ${expandCells(spec).length} cells`);
  }
});

test('models and the block series are filled in when given', () => {
  const canvas = CLAIMS.find((c) => c.id === 'fixed-length')!;
  const spec = parseSpec(presetSpec(canvas, { autoregressive: 'a', diffusion: 'd', blockDiffusion: 'b' }));
  assert.deepEqual(spec.models, { autoregressive: 'a', diffusion: 'd', block_diffusion: 'b' });
  assert.deepEqual(
    spec.blockDiffusion.map((g) => g.label),
    ['threshold=0.9'],
  );
  assert.equal(spec.itemLengths, 'mixed');
  assert.equal(parseSpec(presetSpec(canvas, { blockDiffusion: null })).blockDiffusion.length, 0);
  assert.equal(presetSpec(CLAIMS[0]!, { blockDiffusion: 'b' }).blockDiffusion, undefined, 'only the canvas claim has a block series');
});

test('mixed item lengths: answers of many lengths up to L, the same records every time', () => {
  const records = mixedSuiteRecords('copy', 64, 30, 0);
  const lengths = records.map((r) => r.answer.length);
  assert.ok(Math.max(...lengths) <= 64 && Math.min(...lengths) >= 1);
  assert.ok(new Set(lengths).size > 5);
  assert.deepEqual(mixedSuiteRecords('copy', 64, 30, 0), records);
  assert.throws(() => parseSpec({ tasks: ['copy'], lengths: [8], itemLengths: 'some' }), /itemLengths: must be one of exact, mixed/);
});

const run = (engine: Run['engine'], requestedLength: number, generatedTokens: number, forwardPasses: number) =>
  ({
    engine,
    modelId: engine,
    setting: 's',
    taskId: 'copy',
    requestedLength,
    generatedTokens,
    forwardPasses,
    latencyOnly: false,
    failure: null,
    passed: true,
  }) as Run;

test('canvas use: the full canvas lays out L, block diffusion whole blocks up to the one with <eos>, AR the answer and <eos>', () => {
  assert.equal(laidOut(run('diffusion', 64, 5, 1), null), 64);
  assert.equal(laidOut(run('block_diffusion', 64, 5, 8), 32), 32);
  assert.equal(laidOut(run('block_diffusion', 64, 40, 16), 32), 64);
  assert.equal(laidOut(run('block_diffusion', 64, 64, 16), 32), 64, 'no <eos> inside the cap: every block');
  assert.equal(laidOut(run('block_diffusion', 64, 5, 8), null), null);
  assert.equal(laidOut(run('autoregressive', 64, 5, 6), null), 6);
  const [full] = canvasUse([run('diffusion', 64, 16, 3), run('diffusion', 64, 16, 3)], () => null);
  assert.equal(full!.wastedFractionMedian, 0.75);
  assert.equal(full!.wastedPositionPassesMedian, 48 * 3);
  assert.deepEqual(
    canvasUse([run('block_diffusion', 64, 5, 8)], () => null),
    [],
    'unknown block size: no cell',
  );
  assert.deepEqual(
    canvasUse([{ ...run('diffusion', 64, 5, 1), remote: true }], () => null),
    [],
    'a remote canvas is not observable',
  );
});
