// The playground's event stream folded into its panels, on hand-built events in the server's shapes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlaygroundEvent } from './playground.ts';
import { blockSpeedup, canvasCells, confidenceColour, counters, emptySides, foldEvent, type Sides, speedupVerdict, splitFrames } from './playground-state.ts';

const fold = (events: PlaygroundEvent[], from: Sides = emptySides()) => events.reduce(foldEvent, from);
const timings = (totalMs: number) => ({ ttftMs: 2, totalMs, forwardPasses: 4, tokensPerSecond: 800, generatedTokens: 4 });
const done = (engine: 'autoregressive' | 'diffusion' | 'block_diffusion', totalMs: number): PlaygroundEvent => ({
  type: 'done',
  engine,
  text: 'ab',
  stopReason: 'eos',
  passed: true,
  timings: timings(totalMs),
});

describe('folding events into panels', () => {
  test('AR tokens stream into text; <eos> ends it without showing; first and last times are kept', () => {
    const sides = fold([
      { type: 'start', engine: 'autoregressive', promptTokens: 5, length: 4 },
      { type: 'token', engine: 'autoregressive', index: 0, text: 'a', elapsedMs: 3 },
      { type: 'token', engine: 'autoregressive', index: 1, text: 'b', elapsedMs: 5 },
      { type: 'token', engine: 'autoregressive', index: 2, text: '<eos>', elapsedMs: 6 },
    ]);
    const ar = sides.autoregressive;
    assert.equal(ar.started, true);
    assert.equal(ar.length, 4);
    assert.deepEqual(ar.tokens, ['a', 'b']);
    assert.equal(ar.firstMs, 3);
    assert.equal(ar.lastMs, 6);
    assert.equal(sides.diffusion.started, false, 'other panels are untouched');
  });

  test('a step folds into the canvas: committed positions filled in order, the rest masked', () => {
    const sides = fold([
      { type: 'start', engine: 'diffusion', promptTokens: 5, length: 4 },
      { type: 'step', engine: 'diffusion', step: 1, committed: [{ position: 2, text: 'x', confidence: 0.9 }], elapsedMs: 7 },
      {
        type: 'step',
        engine: 'diffusion',
        step: 2,
        committed: [
          { position: 0, text: '\n', confidence: 0.2 },
          { position: 3, text: '<eos>', confidence: 1 },
        ],
        elapsedMs: 9,
      },
    ]);
    const side = sides.diffusion;
    assert.deepEqual(
      side.steps.map((s) => [s.elapsedMs, s.canvas]),
      [
        [7, 4],
        [9, 4],
      ],
    );
    assert.deepEqual(
      canvasCells(side, 1).map((c) => c.glyph),
      ['·', '·', 'x', '·'],
    );
    const after = canvasCells(side, 2);
    assert.deepEqual(
      after.map((c) => c.glyph),
      ['⏎', '·', 'x', '∎'],
    );
    assert.deepEqual(
      after.map((c) => c.committed),
      [true, false, true, true],
    );
    assert.equal(after[1]!.title, 'position 1: masked');
    assert.equal(after[1]!.background, null);
    assert.equal(after[2]!.title, 'position 2: "x", confidence 0.900');
    assert.equal(after[2]!.background, confidenceColour(0.9));
    assert.deepEqual(
      canvasCells(side, 0).map((c) => c.committed),
      [false, false, false, false],
      'replaying to step 0 shows the empty canvas',
    );
    assert.equal(counters(side).nfe, '2', 'before done, NFE counts the steps seen');
  });

  test('block diffusion: the canvas grows a block at a time, with a gap before each later block', () => {
    const sides = fold([
      { type: 'start', engine: 'block_diffusion', promptTokens: 5, length: 8 },
      { type: 'block', engine: 'block_diffusion', block: 0, start: 0, length: 2, elapsedMs: 1 },
      {
        type: 'step',
        engine: 'block_diffusion',
        step: 1,
        block: 0,
        committed: [
          { position: 0, text: 'a', confidence: 0.5 },
          { position: 1, text: 'b', confidence: 0.5 },
        ],
        elapsedMs: 2,
      },
      { type: 'block', engine: 'block_diffusion', block: 1, start: 2, length: 2, elapsedMs: 3 },
      { type: 'step', engine: 'block_diffusion', step: 2, block: 1, committed: [{ position: 3, text: 'd', confidence: 0.5 }], elapsedMs: 4 },
    ]);
    const side = sides.block_diffusion;
    assert.deepEqual(side.blockEnds, [2, 4]);
    assert.equal(side.grown, 4);
    assert.deepEqual(
      side.steps.map((s) => s.canvas),
      [2, 4],
    );
    assert.deepEqual(
      canvasCells(side, 1, true).map((c) => c.glyph),
      ['a', 'b'],
      'only the first block is open after step 1',
    );
    const both = canvasCells(side, 2, true);
    assert.deepEqual(
      both.map((c) => c.glyph),
      ['a', 'b', '·', 'd'],
    );
    assert.deepEqual(
      both.map((c) => c.blockStart),
      [false, false, true, false],
    );
    assert.equal(canvasCells(side, 0, true).length, 2, 'before any step is shown: the first step’s canvas');
    assert.ok(
      canvasCells(sides.block_diffusion, 2).every((c) => !c.blockStart),
      'a plain diffusion canvas has no block gaps',
    );
  });

  test("Fast-dLLM v2's blocks sit at multiples of the block size counting the prompt: gaps at 32k − prompt, not every 32 answer positions", () => {
    // The engine's events for a 21-token prompt and blocks of 32: block 0 is the 11 masks after the prompt's tail;
    // block 0's clean forward commits answer position 11 (block 1's head), then block 1 opens its 31 masks.
    const step = (n: number, block: number, position: number): PlaygroundEvent => ({
      type: 'step',
      engine: 'block_diffusion',
      step: n,
      block,
      committed: [{ position, text: 'x', confidence: 1 }],
      elapsedMs: n,
    });
    const firstBlock = fold([
      { type: 'start', engine: 'block_diffusion', promptTokens: 21, length: 64 - 21 },
      { type: 'block', engine: 'block_diffusion', block: 0, start: 0, length: 11, elapsedMs: 0 },
      ...Array.from({ length: 11 }, (_, i) => step(i, 0, i)),
      step(11, 1, 11),
    ]);
    const gaps = (cells: { blockStart: boolean }[]) => cells.flatMap((c, i) => (c.blockStart ? [i] : []));
    assert.deepEqual(gaps(canvasCells(firstBlock.block_diffusion, 12, true)), [11], "block 1's head, before block 1 opens, already after a gap");
    const sides = fold([{ type: 'block', engine: 'block_diffusion', block: 1, start: 12, length: 31, elapsedMs: 12 }, step(12, 1, 12)], firstBlock);
    assert.deepEqual(sides.block_diffusion.blockEnds, [11, 43]);
    const cells = canvasCells(sides.block_diffusion, 13, true);
    assert.equal(cells.length, 43);
    assert.deepEqual(gaps(cells), [11], 'one gap, where canvas position 32 (answer 32 − 21) starts block 1');
  });

  test('done: the final timings replace the live counters; the verdict is kept', () => {
    const streaming = fold([
      { type: 'start', engine: 'autoregressive', promptTokens: 5, length: 4 },
      { type: 'token', engine: 'autoregressive', index: 0, text: 'a', elapsedMs: 4 },
      { type: 'token', engine: 'autoregressive', index: 1, text: 'b', elapsedMs: 8 },
    ]);
    assert.deepEqual(counters(streaming.autoregressive), { ttft: '4.0', elapsed: '8.0', nfe: '2', tokensPerSecond: '250' }); // 2 tokens in 8 ms
    const finished = fold([done('autoregressive', 10)], streaming);
    assert.equal(finished.autoregressive.done?.passed, true);
    assert.deepEqual(counters(finished.autoregressive), { ttft: '2.0', elapsed: '10.0', nfe: '4', tokensPerSecond: '800' });
    assert.equal(counters(finished.autoregressive, true).nfe, '—', 'NFE is unknown behind an API');
    assert.deepEqual(counters(emptySides().diffusion), { ttft: '—', elapsed: '0.0', nfe: '0', tokensPerSecond: '—' });
  });

  test("an engine's error lands in its panel; meta, summary and a run-wide error leave the panels as they were", () => {
    const before = emptySides();
    const failed = foldEvent(before, { type: 'error', engine: 'diffusion', message: 'out of memory' });
    assert.equal(failed.diffusion.error, 'out of memory');
    assert.equal(before.diffusion.error, null, 'the old state is not changed');
    assert.equal(failed.autoregressive.error, null);
    assert.equal(foldEvent(before, { type: 'error', engine: null, message: 'busy' }), before);
    assert.equal(foldEvent(before, { type: 'summary', speedup: 2, experimentId: null }), before);
  });
});

describe('stream frames and speedups', () => {
  test('complete data frames are parsed; an unfinished one is kept for the next read', () => {
    const first = splitFrames('data: {"type":"summary","speedup":1.5,"experimentId":null}\n\n: keep-alive\n\ndata: {"type":"err');
    assert.deepEqual(first.events, [{ type: 'summary', speedup: 1.5, experimentId: null }]);
    assert.equal(first.rest, 'data: {"type":"err');
    const second = splitFrames(`${first.rest}or","engine":null,"message":"x"}\n\n`);
    assert.deepEqual(second.events, [{ type: 'error', engine: null, message: 'x' }]);
    assert.equal(second.rest, '');
  });

  test('speedup in words, and block diffusion against AR once both are done', () => {
    assert.equal(speedupVerdict(2), 'diffusion 2.00× faster');
    assert.equal(speedupVerdict(1), 'diffusion 1.00× faster');
    assert.equal(speedupVerdict(0.5), 'diffusion 2.00× slower');
    const arDone = fold([done('autoregressive', 30)]);
    assert.equal(blockSpeedup(arDone), null);
    assert.equal(blockSpeedup(fold([done('block_diffusion', 20)], arDone)), 1.5);
  });

  test('confidence colours run from pale to strong and clamp outside 0..1', () => {
    assert.equal(confidenceColour(0), 'hsl(30 70% 88%)');
    assert.equal(confidenceColour(1), 'hsl(200 70% 50%)');
    assert.equal(confidenceColour(-1), confidenceColour(0));
    assert.equal(confidenceColour(2), confidenceColour(1));
  });
});
