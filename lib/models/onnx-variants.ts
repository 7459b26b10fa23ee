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

/** What a dtype choice needs to know about a model folder (a ModelInfo is one). */
export interface DtypeHolder {
  id: string;
  decoding: string | null; // null: config.json did not say
  dtypes?: readonly OnnxDtype[];
}

/**
 * Why `dtype` cannot load from this folder (null when it can): the one rule behind --dtype, a spec's and the
 * playground's dtype, and the choices the playground offers.
 */
export function dtypeProblem(model: DtypeHolder, dtype: OnnxDtype): string | null {
  if (model.decoding === 'remote') return `"${model.id}" is a remote model: it has no ONNX variants`;
  const has = model.dtypes ?? [];
  if (has[0] === dtype) return null; // the graph discovery describes (fp32 when there is one)
  if (!has.includes(dtype)) return `model "${model.id}" has no ${dtype} graph (onnx/${onnxFileName(dtype)}); its dtypes: ${has.join(', ') || 'none'}`;
  if (model.decoding !== 'autoregressive') return `dtype ${dtype}: only autoregressive models load a dtype variant ("${model.id}" is ${model.decoding})`;
  return null;
}

/** The dtypes a folder can load (what the playground offers). */
export const loadableDtypes = (model: DtypeHolder): OnnxDtype[] => (model.dtypes ?? []).filter((dtype) => dtypeProblem(model, dtype) === null);

/** The external data files next to `onnxFile` (model.onnx_data, model.onnx_data_1, ...). */
export function externalDataFiles(onnxFile: string): string[] {
  const dir = path.dirname(onnxFile);
  const prefix = `${path.basename(onnxFile)}_data`;
  return readdirSync(dir)
    .filter((f) => f === prefix || (f.startsWith(prefix) && /^_\d+$/.test(f.slice(prefix.length))))
    .sort()
    .map((f) => path.join(dir, f));
}
