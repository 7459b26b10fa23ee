// Runs an ONNX model with onnxruntime-node on tensors written by parity.py (no onnxruntime for Python here).
// Usage: node models/train/ort_run.mjs <model.onnx> <case_dir>
// case_dir/cases.json: [{name, inputs: [{name, dtype: "int64"|"float32"|"float16", dims, file}], outputs: [names]}]
// Writes each requested output's raw little-endian data to case_dir/<case>.<output>.bin plus out.json (with
// each output's type: float32, or float16 from a half-precision graph).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const [modelPath, dir] = process.argv.slice(2);
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
const results = [];
for (const c of cases) {
  const feeds = {};
  for (const t of c.inputs) {
    const buf = readFileSync(join(dir, t.file));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const data = t.dtype === 'int64' ? new BigInt64Array(ab) : t.dtype === 'float16' ? new Uint16Array(ab) : new Float32Array(ab);
    feeds[t.name] = new ort.Tensor(t.dtype, data, t.dims);
  }
  const out = await session.run(feeds);
  const written = {};
  for (const name of c.outputs) {
    const file = `${c.name}.${name}.bin`;
    writeFileSync(join(dir, file), Buffer.from(out[name].data.buffer, out[name].data.byteOffset, out[name].data.byteLength));
    written[name] = { file, dims: out[name].dims, type: out[name].type };
  }
  results.push({ name: c.name, outputs: written });
}
writeFileSync(join(dir, 'out.json'), JSON.stringify(results));
console.log(JSON.stringify({ inputs: session.inputNames, outputs: session.outputNames, cases: results.length }));
