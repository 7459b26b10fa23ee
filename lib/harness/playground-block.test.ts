// The playground's block-diffusion panel: its request section (absent = off; fields named when wrong; steps
// relative to the cap) and a run that streams the canvas growing block by block after the pair.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { disposeAllModels } from '../engines/index.ts';
import { FieldError } from '../user-error.ts';
import { projectRoot } from '../paths.ts';
import { BUNDLED_BLOCK_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from './playground.ts';
import { parseBlockPanel } from './playground-block.ts';

after(disposeAllModels);
const blockModelHere = existsSync(path.join(projectRoot(), 'models', BUNDLED_BLOCK_DIFFUSION_MODEL_ID, 'onnx', 'model.onnx'));

describe('playground block panel', () => {
  test('absent or null is off; defaults fill the cap; steps "L/4" is a quarter of the cap; mistakes name the field', () => {
    assert.equal(parseBlockPanel(undefined, 0, 40, 512), null);
    assert.equal(parseBlockPanel(null, 0, 40, 512), null);
    assert.deepEqual(parseBlockPanel({}, 3, 40, 512), { maxNewTokens: 40, seed: 3 });
    assert.equal(parseBlockPanel({ maxNewTokens: 64, steps: 'L/4', threshold: '' }, 0, 40, 512)!.steps, 16);
    for (const [raw, field] of [
      [{ threshold: 2 }, 'blockDiffusion.threshold'],
      [{ maxNewTokens: 600 }, 'blockDiffusion.maxNewTokens'],
      [{ steps: 'L/x' }, 'blockDiffusion.steps'],
      [{ remasking: 'loud' }, 'blockDiffusion.remasking'],
      [{ threshold: 0.9, factor: 1 }, 'blockDiffusion'],
      ['fast', 'blockDiffusion'],
    ] as const) {
      assert.throws(
        () => parseBlockPanel(raw, 0, 40, 512),
        (e: Error) => e instanceof FieldError && e.field === field,
        JSON.stringify(raw),
      );
    }
    assert.equal(parsePlaygroundRequest({ prompt: 'copy: abc\n' }).blockDiffusion, null);
  });

  test(
    'a run streams the block panel after the pair: the canvas grows one block at a time, then its result',
    { skip: blockModelHere ? false : 'no block model folder' },
    async () => {
      const request = parsePlaygroundRequest({
        prompt: 'copy: a1b2\n',
        autoregressive: { maxNewTokens: 8 },
        diffusion: { maxNewTokens: 8 },
        blockDiffusion: { maxNewTokens: 48, threshold: 0.9 },
        threads: 1,
      });
      const events: PlaygroundEvent[] = [];
      await runPlayground(request, (e) => events.push(e), createDecodeQueue());
      const meta = events.find((e) => e.type === 'meta');
      assert.equal(meta?.type === 'meta' && meta.models.block_diffusion, BUNDLED_BLOCK_DIFFUSION_MODEL_ID);
      const block = events.filter((e) => 'engine' in e && e.engine === 'block_diffusion');
      assert.ok(events.indexOf(block[0]!) > events.findIndex((e) => e.type === 'done' && e.engine === 'diffusion'), 'after the pair');
      const start = block.find((e) => e.type === 'start');
      assert.equal(start?.type === 'start' && start.length, 64); // the cap of 48 rounded up to blocks of 32
      const opened = block.filter((e) => e.type === 'block');
      assert.ok(opened.length >= 1);
      assert.deepEqual(opened[0]!.type === 'block' && [opened[0].block, opened[0].start, opened[0].length], [0, 0, 32]);
      const steps = block.filter((e) => e.type === 'step');
      assert.ok(steps.length >= 1 && steps.every((e) => e.type === 'step' && e.committed.every((c) => c.position < 64)));
      const done = block.find((e) => e.type === 'done');
      assert.ok(done?.type === 'done' && done.timings.forwardPasses >= 2, 'prefill and at least one step');
      assert.equal(events.at(-1)!.type, 'summary');
    },
  );
});
