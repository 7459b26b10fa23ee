// Diffusion step counts relative to the output length ("L/4") are declared with the other settings.
export { resolveSteps, type StepsSpec } from '../engines/decoding-schema.ts';
