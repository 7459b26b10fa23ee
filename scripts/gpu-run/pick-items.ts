// Which items the GPU run decodes at each output length, chosen exactly as models/train/gpu_bench.py chooses
// them, so the engines' experiment and the PyTorch one pair up item by item.
import type { EvalRecord } from '../../lib/harness/eval-records.ts';
import { UserError } from '../../lib/user-error.ts';

export interface LengthItems {
  length: number;
  latencyOnly: boolean; // no item's answer has this length: time an exact-length output, count no pass/fail
  items: EvalRecord[];
}

/** Items whose answer fills the canvas where there are any; past the longest, the longest items (latency-only). */
export function pickItems(records: readonly EvalRecord[], length: number, count: number): LengthItems {
  const lengths = records.map((r) => r.length).filter((l): l is number => l !== null);
  if (lengths.length === 0) throw new UserError('the items have no "length" field: give items written by "dlm tasks generate"');
  const fits = records.filter((r) => r.length === length);
  const longest = Math.max(...lengths);
  const pool = fits.length > 0 ? fits : records.filter((r) => r.length === longest);
  return { length, latencyOnly: fits.length === 0, items: pool.slice(0, count) };
}
