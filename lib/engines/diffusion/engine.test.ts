// The diffusion engine must equal a plain, independent transcription of LLaDA's generate() at temperature 0,
// for aligned logits (LLaDA) and for shifted logits (Dream's rule), on the same weights declared each way.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { describeModelFolder, findModel } from '../../models/discover.ts';
import { disposeAllModels, loadModel, type LoadedModel } from '../loaded-model.ts';
import { ModelConfigError } from '../model-config.ts';
import { BUNDLED_DIFFUSION_MODEL_ID as DIFFUSION_MODEL_ID } from '../../harness/bundled-models.ts';
import type { GenerationEvent, RemaskingPolicy } from '../types.ts';
import { createDiffusionEngine } from './engine.ts';

/**
 * Reference: LLaDA's generate() written out directly (whole-canvas forward, −inf outside the current block,
 * top-k by confidence, <mask> never proposed), deliberately sharing no code with the engine. Returns the answer part of the canvas.
 * With `dreamShift`, the logits are first re-indexed as Dream's generation does before scoring:
 * logits = cat([logits[:, :1], logits[:, :-1]], dim=1), i.e. row p of the shifted tensor is row max(p-1, 0).
 */
async function referenceGenerate(
  session: ort.InferenceSession,
  prompt: number[],
  o: { genLength: number; steps: number; blockLength: number; remasking: RemaskingPolicy; maskId: number; vocab: number; dreamShift: boolean },
): Promise<number[]> {
  const x = [...prompt, ...new Array<number>(o.genLength).fill(o.maskId)];
  const numBlocks = o.genLength / o.blockLength;
  const stepsPerBlock = o.steps / numBlocks;
  for (let b = 0; b < numBlocks; b++) {
    const start = prompt.length + b * o.blockLength;
    const end = start + o.blockLength;
    const maskCount = x.slice(start, end).filter((t) => t === o.maskId).length;
    const transfer = new Array<number>(stepsPerBlock).fill(Math.floor(maskCount / stepsPerBlock));
    for (let i = 0; i < maskCount % stepsPerBlock; i++) transfer[i]! += 1;
    for (let i = 0; i < stepsPerBlock; i++) {
      const ids = new ort.Tensor('int64', BigInt64Array.from(x.map(BigInt)), [1, x.length]);
      const mask = new ort.Tensor('int64', new BigInt64Array(x.length).fill(1n), [1, x.length]);
      const raw = (await session.run({ input_ids: ids, attention_mask: mask })).logits!.data as Float32Array;
      const logits = o.dreamShift ? new Float32Array([...raw.subarray(0, o.vocab), ...raw.subarray(0, raw.length - o.vocab)]) : raw;
      const confidence: number[] = [];
      const x0: number[] = [];
      for (let pos = 0; pos < x.length; pos++) {
        const row = Array.from(logits.subarray(pos * o.vocab, (pos + 1) * o.vocab), Number);
        const top = Math.max(...row);
        const exps = row.map((v) => Math.exp(v - top));
        const z = exps.reduce((a, v) => a + v, 0);
        const p = exps.map((v) => v / z);
        const best = row.indexOf(Math.max(...row.filter((_, v) => v !== o.maskId))); // <mask> is never a proposal
        const sorted = [...p].sort((a, c) => c - a);
        const score =
          o.remasking === 'low_confidence'
            ? p[best]!
            : o.remasking === 'margin'
              ? sorted[0]! - sorted[1]!
              : p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
        const isMasked = x[pos] === o.maskId;
        x0.push(isMasked ? best : x[pos]!);
        confidence.push(isMasked && pos < end ? score : -Infinity);
      }
      const order = confidence.map((c, pos) => ({ c, pos })).sort((a, c) => c.c - a.c || a.pos - c.pos);
      for (const { pos } of order.slice(0, transfer[i])) x[pos] = x0[pos]!;
    }
  }
  return x.slice(prompt.length);
}

const SESSION = { executionProvider: 'cpu', intraOpThreads: 1, graphOptimizationLevel: 'all' } as const;
let model: LoadedModel;
const declared: Record<'aligned' | 'shifted', LoadedModel> = {} as never;
let scratch: string;

/** The bundled diffusion folder's weights in a temporary folder whose config.json says `diffusion_logits` = value. */
function folderDeclaring(source: string, name: string, value: unknown): string {
  const dir = path.join(scratch, name);
  cpSync(source, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}onnx`) && !f.endsWith('.bin') });
  symlinkSync(path.join(source, 'onnx'), path.join(dir, 'onnx'));
  const config = JSON.parse(readFileSync(path.join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
  if (value === undefined) delete config.diffusion_logits;
  else config.diffusion_logits = value;
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

before(async () => {
  model = await loadModel(DIFFUSION_MODEL_ID, SESSION);
  scratch = mkdtempSync(path.join(tmpdir(), 'dlm-logits-'));
  const source = (await findModel(DIFFUSION_MODEL_ID)).dir;
  for (const convention of ['aligned', 'shifted'] as const) {
    declared[convention] = await loadModel(await describeModelFolder(folderDeclaring(source, convention, convention)), SESSION);
  }
});
after(async () => {
  await disposeAllModels();
  rmSync(scratch, { recursive: true, force: true });
});

describe('diffusion engine', () => {
  const combos: { prompt: string; genLength: number; steps: number; blockLength: number; remasking: RemaskingPolicy }[] = [
    { prompt: 'copy: a1b2c3d4\n', genLength: 8, steps: 8, blockLength: 8, remasking: 'low_confidence' },
    { prompt: 'reverse: hello42\n', genLength: 16, steps: 4, blockLength: 16, remasking: 'low_confidence' },
    { prompt: 'sort: 93710284\n', genLength: 16, steps: 8, blockLength: 4, remasking: 'low_confidence' },
    { prompt: 'add: 123+877\n', genLength: 12, steps: 6, blockLength: 6, remasking: 'margin' },
    { prompt: 'copy: zz9\n', genLength: 16, steps: 16, blockLength: 8, remasking: 'entropy' },
    { prompt: 'code: f(x) returns x times 2\n', genLength: 24, steps: 12, blockLength: 8, remasking: 'low_confidence' },
  ];
  for (const convention of ['aligned', 'shifted'] as const) {
    const reference = convention === 'aligned' ? 'LLaDA' : "LLaDA with Dream's logit shift";
    for (const c of combos) {
      test(`${convention} logits: temperature 0 equals the ${reference} reference: L=${c.genLength} steps=${c.steps} block=${c.blockLength} ${c.remasking}`, async () => {
        const m = declared[convention];
        const engine = createDiffusionEngine(m);
        const ours = await engine.generate({
          prompt: c.prompt,
          settings: { maxNewTokens: c.genLength, steps: c.steps, blockLength: c.blockLength, remasking: c.remasking },
        });
        const canvas = await referenceGenerate(m.session, m.tokenizer.encode(c.prompt), {
          ...c,
          maskId: m.config.maskTokenId!,
          vocab: m.config.vocabSize,
          dreamShift: convention === 'shifted',
        });
        const eos = canvas.indexOf(m.config.eosTokenId);
        assert.deepEqual(ours.tokenIds, canvas.slice(0, eos === -1 ? canvas.length : eos));
        assert.ok(ours.timings.forwardPasses <= c.steps);
      });
    }
  }

  test('the two conventions read different logits rows (the shift is not a no-op on these weights)', async () => {
    const settings = { maxNewTokens: 16, steps: 16 };
    const outputs = await Promise.all(
      (['aligned', 'shifted'] as const).map(
        async (c) => (await createDiffusionEngine(declared[c]).generate({ prompt: 'copy: a1b2c3d4\n', settings })).tokenIds,
      ),
    );
    assert.notDeepEqual(outputs[0], outputs[1]);
  });

  test('a missing or unknown diffusion_logits is a clear error naming the field', async () => {
    const source = (await findModel(DIFFUSION_MODEL_ID)).dir;
    for (const [name, value, why] of [
      ['missing', undefined, /it is missing/],
      ['unknown', 'left', /got "left"/],
    ] as const) {
      const info = await describeModelFolder(folderDeclaring(source, name, value));
      assert.match(info.problems.join('; '), /"diffusion_logits": "aligned" or "shifted"/);
      await assert.rejects(loadModel(info, SESSION), (e: Error) => e instanceof ModelConfigError && /diffusion_logits/.test(e.message) && why.test(e.message));
    }
  });

  test('one event per step; committed positions are never re-masked and cover the output', async () => {
    const engine = createDiffusionEngine(model);
    const events: GenerationEvent[] = [];
    const result = await engine.generate(
      { prompt: 'copy: abcdefgh\n', settings: { maxNewTokens: 16, steps: 8, blockLength: 8 } },
      { onEvent: (e) => events.push(e) },
    );
    const steps = events.filter((e) => e.type === 'step');
    assert.equal(steps.length, result.timings.forwardPasses);
    const seen = new Map<number, number>();
    for (const step of steps) {
      assert.equal(step.committed.length, 2); // 8 masks over 4 steps per block
      for (const c of step.committed) {
        assert.ok(!seen.has(c.position), `position ${c.position} committed twice`);
        seen.set(c.position, c.tokenId);
      }
    }
    result.tokenIds.forEach((id, i) => assert.equal(seen.get(i), id));
  });

  test('threshold mode commits at least one token per step and can finish in fewer steps', async () => {
    const engine = createDiffusionEngine(model);
    const events: GenerationEvent[] = [];
    const result = await engine.generate({ prompt: 'copy: abcd\n', settings: { maxNewTokens: 16, threshold: 0.5 } }, { onEvent: (e) => events.push(e) });
    for (const e of events) if (e.type === 'step') assert.ok(e.committed.length >= 1);
    assert.ok(result.timings.forwardPasses <= 16);
  });

  test('random remasking is reproducible for a seed', async () => {
    const engine = createDiffusionEngine(model);
    const request = { prompt: 'sort: 5521\n', settings: { maxNewTokens: 8, remasking: 'random' as const, temperature: 0.7, seed: 3 } };
    assert.deepEqual((await engine.generate(request)).tokenIds, (await engine.generate(request)).tokenIds);
  });

  test('an aborted signal stops within one forward pass', async () => {
    const engine = createDiffusionEngine(model);
    const controller = new AbortController();
    const result = await engine.generate(
      { prompt: 'copy: abc\n', settings: { maxNewTokens: 32 } },
      { signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === 2 && controller.abort() },
    );
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.timings.forwardPasses, 3);
  });

  test('bad settings are rejected with one clear message each', async () => {
    const engine = createDiffusionEngine(model);
    const bad = (settings: object) => engine.generate({ prompt: 'copy: a\n', settings });
    await assert.rejects(bad({ maxNewTokens: 8, steps: 9 }), /steps \(9\) cannot exceed the output length \(8\)/);
    await assert.rejects(bad({ maxNewTokens: 8, blockLength: 3 }), /block length \(3\) must divide the output length \(8\)/);
    await assert.rejects(bad({ maxNewTokens: 8, remasking: 'confident' }), /remasking must be one of low_confidence, random, margin, entropy, got "confident"/);
    await assert.rejects(bad({ maxNewTokens: 8, steps: 3, blockLength: 4 }), /multiple of the number of blocks/);
    await assert.rejects(bad({ threshold: 1.5 }), /threshold/);
  });
});
