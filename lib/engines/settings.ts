// Fills in decoding defaults and rejects settings that cannot work, with one clear message each. Bounds and
// defaults come from decoding-schema.ts; this file adds the rules that tie settings to each other and to a model.
import { DECODING_DEFAULTS, DECODING_FIELD_NAMES, DECODING_FIELDS, DEFAULT_MAX_NEW_TOKENS, decodingValueProblem } from './decoding-schema.ts';
import type { DecodingKind } from '../models/discover.ts';
import { type DecodingSettings, REMASKING_POLICIES, SettingsError } from './types.ts';

export { DEFAULT_MAX_NEW_TOKENS, REMASKING_POLICIES };

/** AR settings for autoregressive models; every other kind decodes a canvas and reads the diffusion settings. */
export type SettingsReader = DecodingKind;

function check(condition: boolean, message: string, setting: keyof DecodingSettings | null): void {
  if (!condition) throw new SettingsError(message, setting);
}

/**
 * The settings with their defaults filled in, checked by every rule that holds whatever the model and the
 * prompt: the up-front check of a form or a spec, before there is a model to resolve against.
 */
export function checkSettingsShape(kind: SettingsReader, given: Partial<DecodingSettings>): DecodingSettings {
  const maxNewTokens = given.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  const settings: DecodingSettings = { ...DECODING_DEFAULTS, steps: maxNewTokens, blockLength: maxNewTokens, ...withoutUndefined(given), maxNewTokens };
  const reader = kind === 'autoregressive' ? 'ar' : 'diffusion';
  for (const key of DECODING_FIELD_NAMES) {
    if (!DECODING_FIELDS[key].readers.includes(reader)) continue;
    const problem = decodingValueProblem(key, settings[key]);
    if (problem) throw new SettingsError(`${DECODING_FIELDS[key].label} ${problem}`, key);
  }
  check(settings.minNewTokens <= maxNewTokens, `min new tokens (${settings.minNewTokens}) cannot exceed max tokens (${maxNewTokens})`, 'minNewTokens');
  if (kind === 'autoregressive') return settings;
  const { steps, blockLength, threshold, factor } = settings;
  check(steps <= maxNewTokens, `steps (${steps}) cannot exceed the output length (${maxNewTokens}): each step commits at least one token`, 'steps');
  check(maxNewTokens % blockLength === 0, `block length (${blockLength}) must divide the output length (${maxNewTokens})`, 'blockLength');
  const blocks = maxNewTokens / blockLength;
  check(steps % blocks === 0, `steps (${steps}) must be a multiple of the number of blocks (${blocks}) so every block gets the same steps`, 'steps');
  check(threshold === null || factor === null, 'give either a threshold or a factor, not both', 'factor');
  return settings;
}

function resolveForPrompt(kind: SettingsReader, given: Partial<DecodingSettings>, promptTokens: number, contextLength: number): DecodingSettings {
  check(promptTokens > 0, 'prompt is empty', null);
  const settings = checkSettingsShape(kind, given);
  const { maxNewTokens } = settings;
  check(
    promptTokens + maxNewTokens <= contextLength,
    `prompt (${promptTokens} tokens) + output (${maxNewTokens}) exceeds the model's context of ${contextLength} tokens`,
    'maxNewTokens',
  );
  return settings;
}

/** Every call to resolveSettings goes through this object, so a test can count them (node:test's mock.method). */
export const settingsResolution = { resolve: resolveForPrompt };

/**
 * Resolves settings for one request: the shape rules, then `promptTokens` and `contextLength` bound the output
 * length (the prompt plus every generated position must fit in the model's context). Engines call it in
 * Engine.resolve, once per request.
 */
export function resolveSettings(kind: SettingsReader, given: Partial<DecodingSettings>, promptTokens: number, contextLength: number): DecodingSettings {
  return settingsResolution.resolve(kind, given, promptTokens, contextLength);
}

function withoutUndefined(given: Partial<DecodingSettings>): Partial<DecodingSettings> {
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<DecodingSettings>;
}

/** What a model must offer for some settings; the engines and every up-front check (sweeps, API) ask here. */
export interface DecoderAbilities {
  modelId: string;
  hasCachedGraph: boolean; // onnx/model_cached.onnx next to a full-canvas diffusion model
}

/** Why these settings cannot run on this model (null when they can): checked before a sweep's first cell. */
export function settingsProblemFor(model: DecoderAbilities, settings: Pick<DecodingSettings, 'cache'>): string | null {
  if (settings.cache !== 'none' && !model.hasCachedGraph) {
    return `cache "${settings.cache}" needs onnx/model_cached.onnx in ${model.modelId} (export it with models/train/export_onnx.py)`;
  }
  return null;
}
