// `--dtype`: which of a model folder's ONNX variants to load (transformers.js' names: fp32 = onnx/model.onnx,
// fp16 = model_fp16.onnx, q4 = model_q4.onnx, q8 = model_quantized.onnx, ...).
import { DEFAULT_ONNX_DTYPE, isOnnxDtype, ONNX_DTYPES, type OnnxDtype } from '../models/onnx-variants.ts';
import { type ParsedArgs, UsageError } from './args.ts';

export const DTYPE_HELP = `  --dtype D          the folder's ONNX variant: ${ONNX_DTYPES.join(' | ')} (default ${DEFAULT_ONNX_DTYPE} = onnx/model.onnx; "dlm models" lists each folder's)`;

export function readDtypeFlag(args: ParsedArgs): OnnxDtype {
  const value = args.values.get('dtype') ?? DEFAULT_ONNX_DTYPE;
  if (!isOnnxDtype(value)) throw new UsageError(`--dtype must be one of ${ONNX_DTYPES.join(', ')}, got "${value}"`);
  return value;
}
