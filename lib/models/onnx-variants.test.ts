import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { availableDtypes, externalDataFiles, onnxFileName } from './onnx-variants.ts';

test('dtype variants and their external data files, named as transformers.js names them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlm-variants-'));
  try {
    for (const f of ['model.onnx', 'model.onnx_data', 'model.onnx_data_1', 'model_fp16.onnx', 'model_fp16.onnx_data', 'model_q4.onnx', 'model_quantized.onnx', 'model.onnx_data_x']) {
      writeFileSync(path.join(dir, f), '');
    }
    assert.deepEqual(availableDtypes(dir), ['fp32', 'fp16', 'q8', 'q4']);
    assert.equal(onnxFileName('q8'), 'model_quantized.onnx');
    assert.deepEqual(externalDataFiles(path.join(dir, 'model.onnx')).map((f) => path.basename(f)), ['model.onnx_data', 'model.onnx_data_1']);
    assert.deepEqual(externalDataFiles(path.join(dir, 'model_fp16.onnx')).map((f) => path.basename(f)), ['model_fp16.onnx_data']);
    assert.deepEqual(availableDtypes(path.join(dir, 'absent')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
