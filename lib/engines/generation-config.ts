// A model folder's generation_config.json, as transformers reads it: the EOS ids that end a sequence (one or
// several) and the sampling defaults the publisher chose. They fill in what a request leaves unset for an
// autoregressive model; anything the request gives wins.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DecodingSettings } from './types.ts';

export interface GenerationConfig {
  eosTokenIds: number[];
  defaults: Partial<DecodingSettings>;
}

/** config.json / generation_config.json "eos_token_id": one id or a list. */
export function tokenIdList(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((id): id is number => typeof id === 'number' && Number.isInteger(id));
}

const TRANSFORMERS_TOP_K = 50; // transformers' GenerationConfig default when sampling and top_k is not given

/** The decoding defaults a generation_config.json object implies (transformers' semantics: no do_sample = greedy). */
export function generationDefaults(config: Record<string, unknown>): Partial<DecodingSettings> {
  const defaults: Partial<DecodingSettings> = {};
  const num = (key: string) => (typeof config[key] === 'number' ? (config[key] as number) : undefined);
  if (config.do_sample === true) {
    defaults.temperature = num('temperature') ?? 1;
    defaults.topK = num('top_k') ?? TRANSFORMERS_TOP_K;
    defaults.topP = num('top_p') ?? 1;
  } else {
    defaults.temperature = 0;
  }
  const maxNew = num('max_new_tokens');
  if (maxNew !== undefined) defaults.maxNewTokens = maxNew;
  return defaults;
}

export function readGenerationConfig(modelDir: string): GenerationConfig {
  const file = path.join(modelDir, 'generation_config.json');
  if (!existsSync(file)) return { eosTokenIds: [], defaults: {} };
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { eosTokenIds: tokenIdList(config.eos_token_id), defaults: generationDefaults(config) };
}

/** `given` on top of the model's defaults; an explicit undefined does not hide a default. */
export function withGenerationDefaults(defaults: Partial<DecodingSettings>, given: Partial<DecodingSettings>): Partial<DecodingSettings> {
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set };
}
