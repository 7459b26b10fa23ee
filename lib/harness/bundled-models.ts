// The model pair shipped in models/: the defaults for `dlm compare`, tests and benchmarks.
export const BUNDLED_AR_MODEL_ID = process.env.DLM_TEST_AR_MODEL ?? 'tiny-llama-ar';
export const BUNDLED_DIFFUSION_MODEL_ID = process.env.DLM_TEST_DIFFUSION_MODEL ?? 'tiny-llama-diffusion';
