// The ONNX files a model folder may publish per dtype, named as transformers.js names them (onnx/model.onnx,
// model_fp16.onnx, model_q4.onnx, model_quantized.onnx, ...), each with its external data files
// (<file>_data, <file>_data_1, ...). Declared once: --dtype, discovery and loading all derive from it.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const ONNX_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type OnnxDtype = (typeof ONNX_DTYPES)[number];
export const DEFAULT_ONNX_DTYPE: OnnxDtype = 'fp32';

const SUFFIX: Record<OnnxDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export const isOnnxDtype = (value: unknown): value is OnnxDtype => typeof value === 'string' && (ONNX_DTYPES as readonly string[]).includes(value);

/** onnx/<name> of a dtype's graph. */
export const onnxFileName = (dtype: OnnxDtype): string => `model${SUFFIX[dtype]}.onnx`;

/** The dtypes whose graph exists in `onnxDir`, in ONNX_DTYPES order. */
export function availableDtypes(onnxDir: string): OnnxDtype[] {
  if (!existsSync(onnxDir)) return [];
  const files = new Set(readdirSync(onnxDir));
  return ONNX_DTYPES.filter((dtype) => files.has(onnxFileName(dtype)));
}

/** The external data files next to `onnxFile` (model.onnx_data, model.onnx_data_1, ...). */
export function externalDataFiles(onnxFile: string): string[] {
  const dir = path.dirname(onnxFile);
  const prefix = `${path.basename(onnxFile)}_data`;
  return readdirSync(dir)
    .filter((f) => f === prefix || (f.startsWith(prefix) && /^_\d+$/.test(f.slice(prefix.length))))
    .sort()
    .map((f) => path.join(dir, f));
}
