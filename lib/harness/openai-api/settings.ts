// The request's decoding parameters, read through the one settings schema under OpenAI's names (max_tokens,
// top_p, …) and our extra body fields for diffusion (gen_length, steps, block_length, …).
import {
  DECODING_DEFAULTS,
  DECODING_FIELD_NAMES,
  DECODING_FIELDS,
  DEFAULT_MAX_NEW_TOKENS,
  type DecodingField,
  type FieldDeclaration,
  type FieldNames,
  readDecodingFields,
  resolveSteps,
} from '../../engines/decoding-schema.ts';
import type { DecodingSettings, EngineKind, SettingsError } from '../../engines/types.ts';
import { ParamError } from './errors.ts';

type Reader = FieldDeclaration['readers'][number];

export const readerOf = (engine: EngineKind): Reader => (engine === 'autoregressive' ? 'ar' : 'diffusion');

/** Every setting's parameter name except the output length, which differs by engine (below). */
const PARAMS: FieldNames = {
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  seed: 'seed',
  minNewTokens: 'min_tokens',
  steps: 'steps',
  blockLength: 'block_length',
  remasking: 'remasking',
  schedule: 'schedule',
  threshold: 'threshold',
  factor: 'factor',
  cache: 'cache',
};

/** The diffusion canvas length L; max_tokens stays OpenAI's cap on returned tokens and is L's default. */
export const CANVAS_LENGTH_PARAM = 'gen_length';

/** The parameter names one kind of engine reads: AR's output length is max_tokens, a canvas's is gen_length. */
export function paramNames(reader: Reader): FieldNames {
  const names: FieldNames = { maxNewTokens: reader === 'ar' ? 'max_tokens' : CANVAS_LENGTH_PARAM };
  for (const key of DECODING_FIELD_NAMES) {
    const name = PARAMS[key];
    if (name !== undefined && DECODING_FIELDS[key].readers.includes(reader)) names[key] = name;
  }
  return names;
}

/** Every body field that is a decoding setting for some engine (the request parser accepts these). */
export const SETTING_PARAMS: readonly string[] = [...new Set([...Object.values(PARAMS), 'max_tokens', 'max_completion_tokens', CANVAS_LENGTH_PARAM])];

export interface ApiSettings {
  settings: Partial<DecodingSettings>; // steps resolved against the output length
  outputCap: number | null; // max_tokens for a canvas decoder: returned tokens are cut there (finish "length")
  lengthParam: string; // the parameter that set the output length, for errors about it
}

const absent = (value: unknown) => value === undefined || value === null;

/** OpenAI's chat API renamed max_tokens to max_completion_tokens; either is read, not both. */
function capParam(raw: Record<string, unknown>): string {
  if (absent(raw.max_completion_tokens)) return 'max_tokens';
  if (!absent(raw.max_tokens)) throw new ParamError('max_completion_tokens', 'give max_tokens or max_completion_tokens, not both', 'invalid_value');
  return 'max_completion_tokens';
}

/** Reads the settings `engine` understands; a setting it does not read is refused unless it has its default value. */
export function readApiSettings(raw: Record<string, unknown>, engine: EngineKind, modelId: string): ApiSettings {
  const reader = readerOf(engine);
  const names = paramNames(reader);
  const cap = capParam(raw);
  for (const key of DECODING_FIELD_NAMES) {
    const name = PARAMS[key];
    if (name === undefined || names[key] === name || absent(raw[name])) continue;
    if ((DECODING_DEFAULTS as Partial<Record<DecodingField, unknown>>)[key] === raw[name]) continue; // e.g. top_p: 1, sent by many clients
    throw new ParamError(name, `is not a setting of ${engine} models ("${modelId}" is ${engine})`, 'unsupported_parameter');
  }
  if (reader === 'ar' && !absent(raw[CANVAS_LENGTH_PARAM])) {
    throw new ParamError(CANVAS_LENGTH_PARAM, `is the diffusion canvas length; "${modelId}" is autoregressive: use max_tokens`, 'unsupported_parameter');
  }
  const nullAbsent = { empty: (value: unknown) => value === null };
  const read = readDecodingFields(raw, { names: reader === 'ar' ? { ...names, maxNewTokens: cap } : names, ...nullAbsent });
  const settings = read.settings;
  let outputCap: number | null = null;
  let lengthParam = reader === 'ar' ? cap : CANVAS_LENGTH_PARAM;
  if (reader === 'diffusion') {
    outputCap = readDecodingFields(raw, { names: { maxNewTokens: cap }, ...nullAbsent }).settings.maxNewTokens ?? null;
    if (settings.maxNewTokens === undefined && outputCap !== null) {
      settings.maxNewTokens = outputCap;
      lengthParam = cap;
    }
  }
  const steps = resolveSteps(read.steps, settings.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
  if (steps !== undefined) settings.steps = steps;
  return { settings, outputCap, lengthParam };
}

/** The settings a decode used, under the request's parameter names (echoed in the response's "dlm" field). */
export function echoSettings(used: DecodingSettings, engine: EngineKind): Record<string, unknown> {
  const names = paramNames(readerOf(engine));
  const echo: Record<string, unknown> = {};
  for (const key of DECODING_FIELD_NAMES) {
    const name = names[key];
    if (name !== undefined) echo[name] = used[key];
  }
  return echo;
}

/** The parameter a settings error from the engines is about (the error names its setting). */
export function paramOfSettingsProblem(error: SettingsError, api: ApiSettings, engine: EngineKind): { param: string | null; code: string } {
  const key = error.setting;
  if (key === null) return { param: null, code: 'invalid_value' };
  if (key === 'maxNewTokens')
    return { param: api.lengthParam, code: /exceeds the model's context/.test(error.message) ? 'context_length_exceeded' : 'invalid_value' };
  return { param: paramNames(readerOf(engine))[key] ?? null, code: 'invalid_value' };
}
