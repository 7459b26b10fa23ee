// The block diffusion engine against the recipe's PyTorch sampler (decode.block_diffusion_generate): every
// prompt × setting of parity.json's block_reference gives the same tokens, NFE and stop reason. And on real
// weights, <eos> ends decoding long before the cap (NFE far below what the cap would cost).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { describeModelFolder, findModel } from '../../models/discover.ts';
import { projectRoot } from '../../paths.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import { createBlockDiffusionEngine } from './engine.ts';
import { blockFolderFromDiffusion } from './test-fixtures.ts';

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
const BLOCK_MODEL_DIR = path.join(projectRoot(), 'models', 'tiny-llama-block-diffusion');
const PARITY_FILE = path.join(BLOCK_MODEL_DIR, 'parity.json');

interface ReferenceCase {
  task: string;
  prompt: string;
  prompt_ids: number[];
  max_new_tokens: number;
  setting: string;
  steps: number | null;
  steps_per_block: number | null;
  threshold: number | null;
  factor: number | null;
  token_ids: number[];
  nfe: number;
  blocks: number;
  stop: 'eos' | 'max_tokens';
}
interface BlockReference {
  block_size: number;
  mask_token_id: number;
  eos_token_id: number;
  diffusion_logits: string;
  cases: ReferenceCase[];
}

const reference: BlockReference | null = existsSync(PARITY_FILE)
  ? ((JSON.parse(readFileSync(PARITY_FILE, 'utf8')) as { block_reference?: BlockReference }).block_reference ?? null)
  : null;
const noReference = reference ? false : `no block_reference in ${path.relative(projectRoot(), PARITY_FILE)} yet`;

let blockModel: LoadedModel | null = null;
let fixture: LoadedModel;
let scratch: string;
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dlm-block-parity-'));
  const diffusionDir = (await findModel(BUNDLED_DIFFUSION_MODEL_ID)).dir;
  fixture = await loadModel(await describeModelFolder(blockFolderFromDiffusion(diffusionDir, path.join(scratch, 'block8'), 8)), SESSION);
  if (existsSync(path.join(BLOCK_MODEL_DIR, 'onnx', 'model.onnx'))) blockModel = await loadModel(await describeModelFolder(BLOCK_MODEL_DIR), SESSION);
});
after(async () => {
  await disposeAllModels();
  rmSync(scratch, { recursive: true, force: true });
});

describe("block diffusion engine = the recipe's block_diffusion_generate", () => {
  test('every reference prompt × setting: same tokens, NFE and stop reason', { skip: noReference }, async (t) => {
    assert.ok(blockModel, 'the block model folder is there');
    const { config, tokenizer } = blockModel;
    assert.equal(config.blockSize, reference!.block_size);
    assert.equal(config.maskTokenId, reference!.mask_token_id);
    assert.equal(config.eosTokenId, reference!.eos_token_id);
    assert.equal(config.diffusionLogits, reference!.diffusion_logits);
    assert.ok(reference!.cases.length > 0);
    const engine = createBlockDiffusionEngine(blockModel);
    const mismatches: string[] = [];
    for (const c of reference!.cases) {
      assert.deepEqual(tokenizer.encode(c.prompt), c.prompt_ids, `${c.task} prompt tokenizes the same`);
      const settings = { maxNewTokens: c.max_new_tokens, ...(c.steps !== null ? { steps: c.steps } : {}), threshold: c.threshold, factor: c.factor };
      const r = await engine.generate({ prompt: c.prompt, settings });
      const got = { tokens: r.tokenIds, nfe: r.timings.forwardPasses, stop: r.stopReason };
      const want = { tokens: c.token_ids, nfe: c.nfe, stop: c.stop };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${c.task} cap=${c.max_new_tokens} ${c.setting}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    t.diagnostic(`${reference!.cases.length - mismatches.length}/${reference!.cases.length} cases equal`);
    assert.deepEqual(mismatches, []);
  });
});

describe('block diffusion: <eos> stops early, the cap trims', () => {
  test('with a cap of 256, decoding stops after the block holding <eos>: NFE far below decoding the whole cap', async (t) => {
    for (const model of [fixture, blockModel].filter((m): m is LoadedModel => m !== null)) {
      const engine = createBlockDiffusionEngine(model);
      const B = model.config.blockSize!;
      for (const settings of [{ maxNewTokens: 256 }, { maxNewTokens: 256, threshold: 0.9 }]) {
        const r = await engine.generate({ prompt: 'copy: a1b2c3d4\n', settings });
        const whole = await engine.generate({ prompt: 'copy: a1b2c3d4\n', settings: { ...settings, minNewTokens: 256 } }); // the same rule over every block
        t.diagnostic(
          `${model.info.id} ${JSON.stringify(settings)}: "${r.text}" stop ${r.stopReason}, NFE ${r.timings.forwardPasses}; the whole cap: NFE ${whole.timings.forwardPasses}`,
        );
        assert.equal(r.stopReason, 'eos');
        assert.ok(r.tokenIds.length < 256 - B, 'the output ended before the last block');
        if (model === fixture) assert.equal(r.text, 'a1b2c3d4'); // the diffusion weights copy it; the block model's quality is its card's business
        assert.ok(
          r.timings.forwardPasses * 3 < whole.timings.forwardPasses,
          `NFE ${r.timings.forwardPasses} is well below the whole cap's ${whole.timings.forwardPasses}`,
        );
        assert.equal(whole.tokenIds.length, 256);
        assert.ok(whole.timings.forwardPasses >= 1 + 2 * (256 / B) - 1, 'every block took a step and a clean forward');
      }
    }
  });

  test('min tokens = cap forces the whole cap, trimmed to it exactly (the rounded-up rest is dropped)', async () => {
    for (const model of [fixture, blockModel].filter((m): m is LoadedModel => m !== null)) {
      const B = model.config.blockSize!;
      const cap = B + B / 2; // a cap that is not a whole number of blocks
      const r = await createBlockDiffusionEngine(model).generate({
        prompt: 'copy: a1b2c3d4\n',
        settings: { maxNewTokens: cap, minNewTokens: cap, threshold: 0.9 },
      });
      assert.equal(r.tokenIds.length, cap);
      assert.equal(r.timings.generatedTokens, cap);
    }
  });
});
