// The model pair shipped in models/: the defaults for `dlm compare`, tests and benchmarks.
import { findModel } from '../models/discover.ts';

export const BUNDLED_AR_MODEL_ID = process.env.DLM_TEST_AR_MODEL ?? 'tiny-llama-ar';
export const BUNDLED_DIFFUSION_MODEL_ID = process.env.DLM_TEST_DIFFUSION_MODEL ?? 'tiny-llama-diffusion';
/** The block-diffusion model trained from the same recipe (models/train); optional: the third playground panel and sweep series. */
export const BUNDLED_BLOCK_DIFFUSION_MODEL_ID = process.env.DLM_TEST_BLOCK_DIFFUSION_MODEL ?? 'tiny-llama-block-diffusion';

/** The block model's id when its folder is there and usable, else null (the playground and bench then skip it). */
export async function availableBlockDiffusionModel(): Promise<string | null> {
  try {
    const info = await findModel(BUNDLED_BLOCK_DIFFUSION_MODEL_ID);
    return info.decoding === 'block_diffusion' && info.problems.length === 0 ? info.id : null;
  } catch {
    return null;
  }
}
