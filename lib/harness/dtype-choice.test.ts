// A side's ONNX variant (dtype) in experiment specs and the playground: checked against the folder's variants
// with an error naming the field, loaded, and recorded with every run beside the variant's own file hash. The
// fixture is the bundled AR model with a second graph, model_fp16.onnx: the same graph plus one unknown protobuf
// field, so it loads and decodes the same but hashes differently.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDatabase } from '../db/client.ts';
import { listRunsOfExperiment } from '../db/runs.ts';
import { disposeAllModels } from '../engines/index.ts';
import { sha256OfFile } from '../models/file-hash.ts';
import { dtypeProblem, loadableDtypes } from '../models/onnx-variants.ts';
import { projectRoot } from '../paths.ts';
import { BUNDLED_AR_MODEL_ID } from './bundled-models.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { playgroundModelChoices } from './model-choices.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from './playground.ts';
import { parseSpec, SpecError } from './spec.ts';
import { startSweep, type SweepConfig } from './sweep.ts';

const VARIANTS = 'ar-with-fp16';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-dtype-'));
const folder = path.join(scratch, 'models', VARIANTS);
const saved = { DLM_MODELS_DIR: process.env.DLM_MODELS_DIR, DATABASE_URL: process.env.DATABASE_URL };
let fp16Sha256 = '';

before(async () => {
  const bundled = path.join(projectRoot(), 'models', BUNDLED_AR_MODEL_ID);
  mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    symlinkSync(path.join(bundled, file), path.join(folder, file));
  symlinkSync(path.join(bundled, 'onnx', 'model.onnx'), path.join(folder, 'onnx', 'model.onnx'));
  const fp16 = path.join(folder, 'onnx', 'model_fp16.onnx');
  copyFileSync(path.join(bundled, 'onnx', 'model.onnx'), fp16);
  writeFileSync(fp16, Buffer.from([0xc2, 0x3e, 0x01, 0x78]), { flag: 'a' }); // field 1000, length 1, "x": ignored by the parser
  fp16Sha256 = await sha256OfFile(fp16);
  process.env.DLM_MODELS_DIR = path.join(scratch, 'models');
  process.env.DATABASE_URL = `file:${path.join(scratch, 'runs.db')}`;
});
after(async () => {
  await closeDatabase();
  await disposeAllModels();
  Object.assign(process.env, saved);
  for (const key of Object.keys(saved) as (keyof typeof saved)[]) if (saved[key] === undefined) delete process.env[key];
  rmSync(scratch, { recursive: true, force: true });
});

describe('dtype choices', () => {
  test('the one rule: a variant the folder has; only AR folders load a non-default one; remote folders have none', () => {
    const ar = { id: 'a', decoding: 'autoregressive', dtypes: ['fp32', 'fp16'] as const };
    assert.equal(dtypeProblem(ar, 'fp16'), null);
    assert.match(dtypeProblem(ar, 'q4')!, /has no q4 graph \(onnx\/model_q4\.onnx\); its dtypes: fp32, fp16/);
    assert.match(dtypeProblem({ ...ar, decoding: 'diffusion' }, 'fp16')!, /only autoregressive models load a dtype variant/);
    assert.equal(dtypeProblem({ ...ar, decoding: 'diffusion' }, 'fp32'), null);
    assert.match(dtypeProblem({ id: 'r', decoding: 'remote' }, 'fp32')!, /remote model/);
    assert.deepEqual(loadableDtypes({ ...ar, decoding: 'diffusion' }), ['fp32']);
  });

  test('a spec names a bad dtype by its field', () => {
    const base = { tasks: ['copy'], lengths: [4] };
    assert.deepEqual(parseSpec({ ...base, dtype: { autoregressive: 'fp16' } }).dtype, { autoregressive: 'fp16' });
    assert.deepEqual(parseSpec(base).dtype, {});
    assert.throws(
      () => parseSpec({ ...base, dtype: { autoregressive: 'fp8' } }),
      (e: unknown) => e instanceof SpecError && e.field === 'dtype.autoregressive',
    );
    assert.throws(
      () => parseSpec({ ...base, dtype: { encoder: 'fp16' } }),
      (e: unknown) => e instanceof SpecError && e.field === 'dtype.encoder',
    );
    assert.throws(
      () => parseSpec({ ...base, dtype: 'fp16' }),
      (e: unknown) => e instanceof SpecError && e.field === 'dtype',
    );
    assert.throws(() => parseSpec({ ...base, dtype: { block_diffusion: 'fp32' } }), /no block-diffusion series/);
  });

  test("a sweep loads each side's variant, records it with every run and its file's hash; a missing one names dtype.<side>", async () => {
    const spec = { tasks: ['copy'], lengths: [4], itemsPerLength: 1, warmup: 0, threads: 1, models: { autoregressive: VARIANTS } };
    const { experiment } = await startSweep({ ...spec, dtype: { autoregressive: 'fp16' } });
    const runs = await listRunsOfExperiment(experiment.id);
    const ar = runs.find((r) => r.engine === 'autoregressive')!;
    const diffusion = runs.find((r) => r.engine === 'diffusion')!;
    assert.equal(ar.modelSha256, fp16Sha256, "the fp16 file's hash, not model.onnx's");
    assert.equal((ar.settings as { dtype?: string }).dtype, 'fp16');
    assert.equal((diffusion.settings as { dtype?: string }).dtype, 'fp32');
    assert.equal((ar.settings as { session?: { executionProvider?: string } }).session?.executionProvider, 'cpu', 'and the provider it ran on');
    assert.deepEqual((experiment.config as SweepConfig).models.autoregressive, { id: VARIANTS, sha256: fp16Sha256, dtype: 'fp16' });

    await assert.rejects(
      startSweep({ ...spec, dtype: { autoregressive: 'q4' } }),
      (e: unknown) => e instanceof SpecError && e.field === 'dtype.autoregressive' && /has no q4 graph/.test(e.message),
    );
    await assert.rejects(startSweep({ ...spec, dtype: { diffusion: 'fp16' } }), (e: unknown) => e instanceof SpecError && e.field === 'dtype.diffusion');
  });

  test('the playground offers a choice only for a model with two variants, runs the one picked and stores it', async () => {
    const choices = await playgroundModelChoices();
    assert.deepEqual(choices.autoregressive.find((c) => c.id === VARIANTS)!.dtypes, ['fp32', 'fp16']);
    assert.deepEqual(choices.autoregressive.find((c) => c.id === BUNDLED_AR_MODEL_ID)!.dtypes, ['fp32']);

    assert.throws(
      () => parsePlaygroundRequest({ prompt: 'copy: ab\n', dtype: { autoregressive: 'fp9' } }),
      (e: unknown) => e instanceof Error && 'field' in e && e.field === 'dtype.autoregressive',
    );
    const missing = parsePlaygroundRequest({ prompt: 'copy: ab\n', dtype: { autoregressive: 'fp16' } }); // the bundled AR model has none
    await assert.rejects(
      runPlayground(missing, () => undefined, createDecodeQueue()),
      (e: unknown) => e instanceof Error && 'field' in e && e.field === 'dtype.autoregressive' && /has no fp16 graph/.test(e.message),
    );

    const request = parsePlaygroundRequest({
      prompt: 'copy: ab\n',
      models: { autoregressive: VARIANTS },
      dtype: { autoregressive: 'fp16', diffusion: '' },
      autoregressive: { maxNewTokens: 4 },
      diffusion: { maxNewTokens: 4 },
      store: true,
    });
    const events: PlaygroundEvent[] = [];
    await runPlayground(request, (e) => events.push(e), createDecodeQueue());
    const summary = events.find((e) => e.type === 'summary');
    assert.ok(summary?.type === 'summary' && summary.experimentId, JSON.stringify(events.filter((e) => e.type === 'error')));
    const runs = await listRunsOfExperiment(summary.experimentId);
    const ar = runs.find((r) => r.engine === 'autoregressive')!;
    assert.equal(ar.modelSha256, fp16Sha256);
    assert.equal((ar.settings as { dtype?: string }).dtype, 'fp16');
  });
});
