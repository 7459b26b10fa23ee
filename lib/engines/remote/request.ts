// Maps our decoding settings onto an OpenAI-compatible request body, and refuses the ones a remote API has no
// field for (diffusion steps, blocks, remasking, threshold, factor, cache; top-k; a forced minimum length), so a
// run never silently measures something other than what was asked. Pure: tested without a server.
import { DECODING_DEFAULTS, DECODING_FIELD_NAMES, DECODING_FIELDS, DEFAULT_MAX_NEW_TOKENS, decodingValueProblem } from '../decoding-schema.ts';
import type { DecodingSettings } from '../types.ts';
import { RemoteSettingsError } from './errors.ts';

/** Settings only a local canvas decoder reads (derived from the one declaration of every setting). */
export const DIFFUSION_ONLY_SETTINGS = DECODING_FIELD_NAMES.filter((k) => !DECODING_FIELDS[k].readers.includes('ar'));

/** The highest temperature OpenAI-compatible APIs accept. */
export const REMOTE_MAX_TEMPERATURE = 2;

/** Fills defaults exactly as the local engines do (so stored settings compare), and refuses what cannot map. */
export function resolveRemoteSettings(given: Partial<DecodingSettings>, modelId: string, contextLength: number | null = null): DecodingSettings {
  const refuse = (message: string): never => {
    throw new RemoteSettingsError(`${modelId} is a remote model: ${message}`);
  };
  const maxNewTokens = given.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  // Settings given at their defaults (resolved ones, a form that always sends every field) pass: only other values are refused.
  const neutral: Partial<DecodingSettings> = { ...DECODING_DEFAULTS, steps: maxNewTokens, blockLength: maxNewTokens };
  const diffusionOnly = DIFFUSION_ONLY_SETTINGS.filter((k) => given[k] !== undefined && given[k] !== neutral[k]);
  if (diffusionOnly.length > 0)
    refuse(`${diffusionOnly.map((k) => DECODING_FIELDS[k].label).join(', ')} only apply to local diffusion models (the API has no field for them)`);
  if (given.topK !== undefined && given.topK !== 0) refuse('top-k has no field in the OpenAI-compatible API (use top-p)');
  if (given.minNewTokens !== undefined && given.minNewTokens !== 0)
    refuse('an exact output length (min tokens, latency-only lengths) cannot be forced through the API');
  const settings: DecodingSettings = {
    ...DECODING_DEFAULTS,
    temperature: given.temperature ?? DECODING_DEFAULTS.temperature,
    topP: given.topP ?? DECODING_DEFAULTS.topP,
    seed: given.seed ?? DECODING_DEFAULTS.seed,
    maxNewTokens,
    steps: maxNewTokens,
    blockLength: maxNewTokens,
  };
  for (const key of ['maxNewTokens', 'temperature', 'topP', 'seed'] as const) {
    const problem = decodingValueProblem(key, settings[key]);
    if (problem) refuse(`${DECODING_FIELDS[key].label} ${problem}`);
  }
  if (settings.temperature > REMOTE_MAX_TEMPERATURE) refuse(`temperature must be at most ${REMOTE_MAX_TEMPERATURE} for an API, got ${settings.temperature}`);
  if (contextLength !== null && maxNewTokens > contextLength) refuse(`max tokens (${maxNewTokens}) exceeds its context of ${contextLength}`);
  return settings;
}

/** The JSON body: chat completions with one user message, or text completions with the raw prompt. */
export function buildRequestBody(providerModel: string, chat: boolean, prompt: string, settings: DecodingSettings): Record<string, unknown> {
  return {
    model: providerModel,
    ...(chat ? { messages: [{ role: 'user', content: prompt }] } : { prompt }),
    max_tokens: settings.maxNewTokens,
    temperature: settings.temperature,
    ...(settings.topP < 1 ? { top_p: settings.topP } : {}),
    seed: settings.seed,
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** <base_url>/chat/completions or <base_url>/completions. */
export function endpointUrl(baseUrl: string, chat: boolean): string {
  return `${baseUrl.replace(/\/+$/, '')}/${chat ? 'chat/completions' : 'completions'}`;
}
