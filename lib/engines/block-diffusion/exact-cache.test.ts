// The block KV cache is exact: a test-only context that, at every step, recomputes everything from an empty
// past (the prompt, then each finished block on the keys/values just recomputed, then the current block) gives
// the same logits (within 1e-4) and the same tokens as the engine's incremental cache. The recomputation shares
// no code with kv-cache.ts. The graph has no block-causal mask input (a new chunk attends to all its past and
// bidirectionally to itself), so "from scratch" is this chain of forwards rebuilt each step, which is what the
// recipe's whole-canvas block-causal forward computes. A cache that kept a block's noisy keys/values must fail.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { BUNDLED_DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import { describeModelFolder, findModel } from '../../models/discover.ts';
import { projectRoot } from '../../paths.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import type { DecodingSettings } from '../types.ts';
import { createBlockDiffusionEngine } from './engine.ts';
import { type BlockContext, createExactBlockCache } from './kv-cache.ts';

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
const BLOCK_MODEL_DIR = path.join(projectRoot(), 'models', 'tiny-llama-block-diffusion');

function recomputingContext(model: LoadedModel): BlockContext {
  const { session, config } = model;
  const vocab = config.vocabSize;
  const finished: { ids: BigInt64Array; start: number }[] = [];
  async function fromScratch(last: { ids: BigInt64Array; start: number }): Promise<Float32Array> {
    const feeds: Record<string, ort.Tensor> = {};
    for (let i = 0; i < config.numLayers; i++) {
      for (const kv of ['key', 'value'])
        feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, config.numKeyValueHeads, 0, config.headDim]);
    }
    let seen = 0;
    let logits: Float32Array = new Float32Array(0);
    for (const chunk of [...finished, last]) {
      const n = chunk.ids.length;
      feeds.input_ids = new ort.Tensor('int64', chunk.ids.slice(), [1, n]);
      feeds.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, k) => BigInt(chunk.start + k)),
        [1, n],
      );
      feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(seen + n).fill(1n), [1, seen + n]);
      const out = await session.run(feeds);
      for (let i = 0; i < config.numLayers; i++) for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`]!;
      seen += n;
      logits = out.logits!.data as Float32Array;
    }
    return logits;
  }
  const lastRow = (logits: Float32Array) => logits.slice(logits.length - vocab);
  return {
    async prefill(ids) {
      finished.length = 0;
      const row = lastRow(await fromScratch({ ids, start: 0 }));
      finished.push({ ids: ids.slice(), start: 0 });
      return row;
    },
    denoise: (ids, start) => fromScratch({ ids: ids.slice(), start }),
    async append(ids, start) {
      const row = lastRow(await fromScratch({ ids: ids.slice(), start }));
      finished.push({ ids: ids.slice(), start });
      return row;
    },
  };
}

/** A broken cache for the negative check: each finished block joins the cache as it looked at its first step (all <mask>). */
function staleContext(model: LoadedModel): BlockContext {
  const exact = createExactBlockCache(model.session, model.config);
  return { ...exact, append: (ids, start) => exact.append(new BigInt64Array(ids.length).fill(BigInt(model.config.maskTokenId!)), start) };
}

/** Records every row set a context returns (carry rows and denoising windows), in call order. */
function recording(create: (m: LoadedModel) => BlockContext, log: Float32Array[]) {
  return (m: LoadedModel): BlockContext => {
    const inner = create(m);
    const keep = async (p: Promise<Float32Array>) => {
      const rows = await p;
      log.push(rows.slice());
      return rows;
    };
    return { prefill: (ids) => keep(inner.prefill(ids)), denoise: (ids, s) => keep(inner.denoise(ids, s)), append: (ids, s) => keep(inner.append(ids, s)) };
  };
}

async function decodeBoth(model: LoadedModel, prompt: string, settings: Partial<DecodingSettings>, other: (m: LoadedModel) => BlockContext) {
  const cachedLog: Float32Array[] = [];
  const otherLog: Float32Array[] = [];
  const cached = await createBlockDiffusionEngine(model, { createContext: recording((m) => createExactBlockCache(m.session, m.config), cachedLog) }).generate({
    prompt,
    settings,
  });
  const recomputed = await createBlockDiffusionEngine(model, { createContext: recording(other, otherLog) }).generate({ prompt, settings });
  let maxDiff = cachedLog.length === otherLog.length ? 0 : Infinity;
  cachedLog.forEach((rows, k) => {
    const theirs = otherLog[k];
    if (!theirs || theirs.length !== rows.length) maxDiff = Infinity;
    else for (let i = 0; i < rows.length; i++) maxDiff = Math.max(maxDiff, Math.abs(rows[i]! - theirs[i]!));
  });
  return { cached, recomputed, maxDiff, forwards: cachedLog.length };
}

const CASES: { prompt: string; settings: Partial<DecodingSettings> }[] = [
  { prompt: 'copy: a1b2c3d4\n', settings: { maxNewTokens: 24 } },
  { prompt: 'reverse: hello42\n', settings: { maxNewTokens: 32, minNewTokens: 32, threshold: 0.9 } },
  { prompt: 'sort: 93710284\n', settings: { maxNewTokens: 40, steps: 10, remasking: 'margin', minNewTokens: 20 } },
  { prompt: 'copy: zz9\n', settings: { maxNewTokens: 24, factor: 1, remasking: 'entropy', minNewTokens: 24 } },
  { prompt: 'code: f(x) returns x times 2\n', settings: { maxNewTokens: 24, temperature: 0.8, remasking: 'random', seed: 7, minNewTokens: 24 } },
];

let scratch: string;
const models: { name: string; model: LoadedModel }[] = [];
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dlm-block-'));
  const { blockFolderFromDiffusion } = await import('./test-fixtures.ts');
  const diffusionDir = (await findModel(BUNDLED_DIFFUSION_MODEL_ID)).dir;
  const fixture = await describeModelFolder(blockFolderFromDiffusion(diffusionDir, path.join(scratch, 'block8'), 8));
  models.push({ name: "blocks of 8 on the diffusion model's cached graph", model: await loadModel(fixture, SESSION) });
  if (existsSync(path.join(BLOCK_MODEL_DIR, 'onnx', 'model.onnx')))
    models.push({ name: 'the trained block model', model: await loadModel(await describeModelFolder(BLOCK_MODEL_DIR), SESSION) });
});
after(async () => {
  await disposeAllModels();
  rmSync(scratch, { recursive: true, force: true });
});

describe('block diffusion: the exact KV cache equals recomputing from scratch', () => {
  test('same logits (≤ 1e-4) at every forward, same tokens and NFE, for every unmasking rule and remasking policy', async (t) => {
    for (const { name, model } of models) {
      for (const c of CASES) {
        const label = `${name}: ${JSON.stringify(c.prompt)} ${JSON.stringify(c.settings)}`;
        const { cached, recomputed, maxDiff, forwards } = await decodeBoth(model, c.prompt, c.settings, recomputingContext);
        assert.ok(maxDiff <= 1e-4, `${label}: logits differ by ${maxDiff}`);
        t.diagnostic(`${label}: ${forwards} forwards, max |Δlogit| ${maxDiff.toExponential(2)}`);
        assert.deepEqual(cached.tokenIds, recomputed.tokenIds, label);
        assert.equal(cached.timings.forwardPasses, recomputed.timings.forwardPasses, label);
      }
    }
  });

  test("the comparison catches a cache that kept a block's noisy keys and values", async (t) => {
    const { model } = models[0]!;
    const { maxDiff } = await decodeBoth(model, 'reverse: hello42\n', { maxNewTokens: 24, minNewTokens: 24 }, staleContext);
    assert.ok(maxDiff > 1e-2, `a stale cache changes the logits (max diff ${maxDiff})`);
    t.diagnostic(`stale cache: max |Δlogit| ${maxDiff.toFixed(2)}`);
  });
});
