// A block-diffusion folder as discovery and loading see it: the block size, mask id and logits convention are
// required and reported by name; onnx/model.onnx must have the KV-cache interface; createEngine picks the engine.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { describeModelFolder, findModel } from '../../models/discover.ts';
import { createEngine, disposeAllModels, loadModel } from '../index.ts';
import { ModelConfigError, readDecoderConfig } from '../model-config.ts';
import { blockFolderFromDiffusion } from './test-fixtures.ts';

let scratch: string;
let diffusionDir: string;
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dlm-block-discovery-'));
  diffusionDir = (await findModel(BUNDLED_DIFFUSION_MODEL_ID)).dir;
});
after(async () => {
  await disposeAllModels();
  rmSync(scratch, { recursive: true, force: true });
});

describe('block diffusion model folders', () => {
  test('a good folder: kind, block size, mask id and logits convention; createEngine picks the block engine', async () => {
    const dir = blockFolderFromDiffusion(diffusionDir, path.join(scratch, 'good'), 16);
    const info = await describeModelFolder(dir);
    assert.deepEqual([info.decoding, info.blockSize, info.maskTokenId, info.diffusionLogits, info.problems], ['block_diffusion', 16, 2, 'shifted', []]);
    assert.equal(readDecoderConfig(dir).blockSize, 16);
    const engine = createEngine(await loadModel(info, { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' }));
    assert.equal(engine.kind, 'block_diffusion');
  });

  test('missing block size, mask id or logits convention: named problems, and a clear error at load', async () => {
    for (const [name, overrides, problem] of [
      ['no-block', { block_size: undefined }, /"block_size"/],
      ['zero-block', { block_size: 0 }, /"block_size"/],
      ['no-mask', { mask_token_id: undefined }, /mask_token_id/],
      ['no-logits', { diffusion_logits: undefined }, /diffusion_logits/],
    ] as const) {
      const dir = blockFolderFromDiffusion(diffusionDir, path.join(scratch, name), 32, overrides);
      const info = await describeModelFolder(dir);
      assert.ok(
        info.problems.some((p) => problem.test(p)),
        `${name}: ${info.problems.join('; ')}`,
      );
      assert.throws(
        () => readDecoderConfig(dir),
        (e: Error) => e instanceof ModelConfigError && problem.test(e.message),
        name,
      );
    }
  });

  test('an onnx/model.onnx without the KV-cache interface is refused with the reason', async () => {
    const dir = blockFolderFromDiffusion(diffusionDir, path.join(scratch, 'plain-graph'), 32);
    unlinkSync(path.join(dir, 'onnx', 'model.onnx'));
    symlinkSync(path.join(diffusionDir, 'onnx', 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')); // the full-canvas graph
    const model = await loadModel(await describeModelFolder(dir), { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' });
    assert.throws(
      () => createEngine(model),
      (e: Error) => e instanceof ModelConfigError && /KV-cache interface/.test(e.message),
    );
  });
});
