import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { describeModelFolder, discoverModels } from './discover.ts';
import { countOnnxNodes, countOnnxParameters } from './onnx-parameters.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../harness/bundled-models.ts';
import { projectRoot } from '../paths.ts';

// Minimal protobuf writer, just enough to build an ONNX ModelProto by hand for the tests.
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const field = (number: number, payload: number[]): number[] => [...varint(number * 8 + 2), ...varint(payload.length), ...payload];
const intField = (number: number, value: number): number[] => [...varint(number * 8), ...varint(value)];
const tensor = (dims: number[], dataType: number, packed = false): number[] => [
  ...(packed ? field(1, dims.flatMap(varint)) : dims.flatMap((d) => intField(1, d))),
  ...intField(2, dataType),
  ...field(8, [...Buffer.from('w')]),
];
function onnxModel(tensors: number[][]): Uint8Array {
  const graph = tensors.flatMap((t) => field(5, t));
  return Uint8Array.from([...intField(1, 8), ...field(7, graph)]); // ir_version, graph
}

describe('countOnnxParameters', () => {
  test('sums float initializers, packed or not, and ignores integer constants', () => {
    const bytes = onnxModel([tensor([100, 128], 1), tensor([128], 1, true), tensor([3], 7), tensor([2, 2], 10)]);
    assert.equal(countOnnxParameters(bytes), 100 * 128 + 128 + 4);
  });
  test('large dims do not overflow 32-bit arithmetic', () => {
    assert.equal(countOnnxParameters(onnxModel([tensor([65536, 65536], 1)])), 65536 * 65536);
  });
  test('rejects bytes that are not an ONNX model', () => {
    assert.throws(() => countOnnxParameters(Uint8Array.from(intField(1, 8))), /no graph/);
    assert.throws(() => countOnnxParameters(Uint8Array.from([0x0f, 0x01])), /not an ONNX file|truncated/);
  });
});

describe('countOnnxNodes', () => {
  const node = (op: string) => field(1, [...field(1, [...Buffer.from('x')]), ...field(2, [...Buffer.from('y')]), ...field(4, [...Buffer.from(op)])]);
  test('counts the graph nodes that run: Constant nodes are folded away, initializers are no nodes', () => {
    const graph = [...node('MatMul'), ...node('Constant'), ...node('Add'), ...field(5, tensor([4], 1))];
    assert.equal(countOnnxNodes(Uint8Array.from([...intField(1, 8), ...field(7, graph)])), 2);
  });
  test('the bundled AR export runs a few hundred nodes', async () => {
    const info = await describeModelFolder(path.join(projectRoot(), 'models', BUNDLED_AR_MODEL_ID));
    assert.ok(info.graphNodes! > 100 && info.graphNodes! < 400, `${info.graphNodes}`);
  });
});

describe('model discovery', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-models-test-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  function writeModel(dir: string, config: Record<string, unknown>, withOnnx = true): void {
    mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    if (withOnnx) writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnxModel([tensor([10, 4], 1)]));
  }

  test('describes a user model folder from $DLM_MODELS_DIR with hash, size and parameters', async () => {
    const userDir = path.join(scratch, 'user-models');
    writeModel(path.join(userDir, 'my-diffusion'), { decoding: 'diffusion', mask_token_id: 5, diffusion_logits: 'shifted', max_position_embeddings: 256, model_type: 'llama' });
    writeModel(path.join(userDir, 'no-decoding'), { model_type: 'bert' }, false); // not a causal LM: no decoding to infer
    const previous = process.env.DLM_MODELS_DIR;
    process.env.DLM_MODELS_DIR = [userDir, path.join(scratch, 'missing')].join(path.delimiter);
    try {
      const { models, warnings } = await discoverModels();
      const mine = models.find((m) => m.id === 'my-diffusion');
      assert.ok(mine);
      assert.equal(mine.decoding, 'diffusion');
      assert.equal(mine.maskTokenId, 5);
      assert.equal(mine.diffusionLogits, 'shifted');
      assert.equal(mine.contextLength, 256);
      assert.equal(mine.parameters, 40);
      assert.match(mine.sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.deepEqual(mine.problems, []);
      const broken = models.find((m) => m.id === 'no-decoding');
      assert.ok(broken?.problems.some((p) => p.includes('"decoding"')));
      assert.ok(broken?.problems.includes('onnx/model.onnx missing'));
      assert.ok(warnings.some((w) => w.includes('missing')));
    } finally {
      process.env.DLM_MODELS_DIR = previous;
    }
  });

  test('a diffusion config without mask_token_id is flagged', async () => {
    const dir = path.join(scratch, 'nomask');
    writeModel(dir, { decoding: 'diffusion' });
    const info = await describeModelFolder(dir);
    assert.ok(info.problems.some((p) => p.includes('mask_token_id')));
  });
});

describe('the bundled model pair', () => {
  test('is found in models/ with equal parameter counts and no problems', async () => {
    const previous = process.env.DLM_MODELS_DIR;
    delete process.env.DLM_MODELS_DIR; // only the bundled folder
    try {
      const { models } = await discoverModels();
      const ar = models.find((m) => m.id === BUNDLED_AR_MODEL_ID);
      const diffusion = models.find((m) => m.id === BUNDLED_DIFFUSION_MODEL_ID);
      assert.ok(ar && diffusion, `expected ${BUNDLED_AR_MODEL_ID} and ${BUNDLED_DIFFUSION_MODEL_ID} under models/`);
      assert.equal(ar.decoding, 'autoregressive');
      assert.equal(diffusion.decoding, 'diffusion');
      assert.deepEqual([ar.problems, diffusion.problems], [[], []]);
      assert.ok(ar.parameters! > 100_000);
      assert.equal(ar.parameters, diffusion.parameters);
      assert.equal(ar.contextLength, diffusion.contextLength);
      assert.ok(ar.contextLength! >= 512);
      assert.ok(ar.fileBytes! <= 40 * 1024 * 1024 && diffusion.fileBytes! <= 40 * 1024 * 1024);
    } finally {
      if (previous !== undefined) process.env.DLM_MODELS_DIR = previous;
    }
  });
});
