// Experiment specs: the minimal spec is accepted as written; every bad field is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { expandCells, parseSpec, parseSpecText, SpecError } from './spec.ts';

test('the minimal spec is accepted as written, with the bundled pair and defaults', () => {
  const spec = parseSpec({ title: 't', tasks: ['copy'], lengths: [8, 16], itemsPerLength: 3, diffusion: { steps: ['L', 'L/4'] }, repeats: 1, warmup: 0 });
  assert.deepEqual(spec.models, { autoregressive: BUNDLED_AR_MODEL_ID, diffusion: BUNDLED_DIFFUSION_MODEL_ID });
  assert.deepEqual(
    spec.autoregressive.map((s) => s.label),
    ['greedy'],
  );
  assert.deepEqual(
    spec.diffusion.map((s) => s.label),
    ['steps=L', 'steps=L/4'],
  );
  assert.deepEqual(spec.diffusion[1]!.steps, { divisor: 4 });
  const cells = expandCells(spec);
  assert.equal(cells.length, 2 * 3 * 3); // lengths × items × (1 AR + 2 diffusion settings)
  assert.equal(new Set(cells.map((c) => c.key)).size, cells.length, 'cell keys are unique');
});

test('grids: an object is a cartesian product, a list is a union', () => {
  const spec = parseSpec({ tasks: ['sort'], lengths: [8], diffusion: [{ steps: ['L', 'L/4'], remasking: ['low_confidence', 'margin'] }, { threshold: 0.9 }] });
  assert.deepEqual(
    spec.diffusion.map((s) => s.label),
    ['steps=L remasking=low_confidence', 'steps=L remasking=margin', 'steps=L/4 remasking=low_confidence', 'steps=L/4 remasking=margin', 'threshold=0.9'],
  );
  assert.equal(spec.diffusion[4]!.settings.threshold, 0.9);
});

test('latency-only lengths are marked on their cells', () => {
  const spec = parseSpec({ tasks: ['copy'], lengths: [8, 256], itemsPerLength: 1, latencyOnlyLengths: [256] });
  const cells = expandCells(spec);
  assert.ok(cells.filter((c) => c.length === 256).every((c) => c.latencyOnly));
  assert.ok(cells.filter((c) => c.length === 8).every((c) => !c.latencyOnly));
});

test('every bad field gets one error naming it', () => {
  const bad: [unknown, RegExp][] = [
    [[], /^spec: must be a JSON object/],
    [{ lengths: [8] }, /^tasks: is required/],
    [{ tasks: ['copy'] }, /^lengths: is required/],
    [{ tasks: ['copy'], lengths: [8], colour: 'red' }, /^colour: unknown field/],
    [{ tasks: ['paint'], lengths: [8] }, /^tasks\[0\]: unknown task "paint"/],
    [{ tasks: ['copy'], lengths: [8, 0] }, /^lengths\[1\]: must be an integer in \[1, 1024\]/],
    [{ tasks: ['copy'], lengths: [8], itemsPerLength: 2.5 }, /^itemsPerLength: must be an integer/],
    [{ tasks: ['copy'], lengths: [8], diffusion: { steps: ['L/0'] } }, /^diffusion\.steps\[0\]: must be a positive integer, "L" or "L\/N"/],
    [{ tasks: ['copy'], lengths: [8], diffusion: [{ steps: 'L' }, { remasking: 'confident' }] }, /^diffusion\[1\]\.remasking: must be one of low_confidence/],
    [{ tasks: ['copy'], lengths: [8], diffusion: { threshold: 1 } }, /^diffusion\.threshold: must be a number in \(0, 1\)/],
    [{ tasks: ['copy'], lengths: [8], diffusion: { speed: 2 } }, /^diffusion\.speed: unknown setting/],
    [{ tasks: ['copy'], lengths: [8], autoregressive: { steps: 4 } }, /^autoregressive\.steps: unknown setting/],
    [{ tasks: ['copy'], lengths: [8], models: { diffusion: '../etc' } }, /^models\.diffusion: must be a model id/],
    [{ tasks: ['copy'], lengths: [8], executionProvider: 'tpu' }, /^executionProvider: must be one of cpu, cuda, webgpu/],
    [{ tasks: ['copy'], lengths: [8], latencyOnlyLengths: [16] }, /^latencyOnlyLengths\[0\]: 16 is not one of "lengths"/],
    [{ tasks: ['copy'], lengths: [8], diffusion: [{ steps: 'L' }, { steps: 'L' }] }, /^diffusion: setting "steps=L" appears twice/],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => parseSpec(input),
      (e: Error) => e instanceof SpecError && message.test(e.message),
      `${JSON.stringify(input)} → ${message}`,
    );
  }
  assert.throws(
    () => parseSpecText('{"tasks": ['),
    (e: Error) => /^spec: is not valid JSON/.test(e.message),
  );
});

test('each task runs as far as its family goes; a length or task with no cell is refused', () => {
  const spec = parseSpec({ tasks: ['copy', 'expand'], lengths: [64, 512], itemsPerLength: 2 });
  const pairs = new Set(expandCells(spec).map((c) => `${c.task}@${c.length}`));
  assert.deepEqual([...pairs].sort(), ['copy@64', 'expand@512', 'expand@64']);
  assert.throws(
    () => parseSpec({ tasks: ['copy', 'sort'], lengths: [64, 512] }),
    (e: Error) => e instanceof SpecError && e.field === 'lengths[1]' && /outside every listed task's range \(copy: 1\.\.256, sort: 1\.\.256\)/.test(e.message),
  );
  assert.throws(
    () => parseSpec({ tasks: ['expand', 'copy'], lengths: [512] }),
    (e: Error) => e instanceof SpecError && e.field === 'tasks[1]',
  );
});
