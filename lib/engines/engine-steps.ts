// An engine from its two steps, resolve (one prompt's settings) and decode (a resolved request): `generate` and
// the check that a resolved request is this engine's own are written once, here, for every engine.
import type { DecodingSettings, Engine, EngineKind, GenerateOptions, GenerationRequest, GenerationResult, ResolvedRequest } from './types.ts';

export interface EngineSteps {
  kind: EngineKind;
  modelId: string;
  /** The request's settings with defaults filled in, checked for this model and prompt (throws a UserError). */
  resolveSettings(request: GenerationRequest): DecodingSettings;
  /** Decodes with `request.settings` as they are: never resolves them again. */
  decode(request: ResolvedRequest, options: GenerateOptions): Promise<GenerationResult>;
}

export function engineFromSteps(steps: EngineSteps): Engine {
  const { kind, modelId } = steps;
  const resolve = (request: GenerationRequest): ResolvedRequest => ({ prompt: request.prompt, settings: steps.resolveSettings(request), modelId });
  const decode = async (request: ResolvedRequest, options: GenerateOptions = {}): Promise<GenerationResult> => {
    // Another model's settings were resolved against its context and defaults, not this one's.
    if (request.modelId !== modelId) throw new Error(`a request resolved for ${request.modelId} cannot be decoded by ${modelId}`);
    return steps.decode(request, options);
  };
  return { kind, modelId, resolve, decode, generate: async (request, options) => decode(resolve(request), options) };
}
