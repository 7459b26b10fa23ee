// Every decoding setting declared once: its type, bounds, default and which engines read it. The engines
// (resolveSettings), the CLI flags, experiment specs, the playground and the OpenAI-compatible API are thin
// adapters that read values through this file, so a bound can never differ between two entry points.
import { FieldError } from '../user-error.ts';
import { CACHE_MODES, type DecodingSettings, REMASKING_POLICIES, UNMASKING_SCHEDULES } from './types.ts';

/** The longest output any entry point accepts; a model's context bounds it further when it runs. */
export const MAX_OUTPUT_TOKENS = 131_072;
export const DEFAULT_MAX_NEW_TOKENS = 64;

type Rule =
  | { type: 'int'; min: number; max: number }
  | { type: 'number'; min: number; max: number; minOpen?: boolean; maxOpen?: boolean }
  | { type: 'choice'; choices: readonly string[] };

/** Which decoders read a setting: "ar" for autoregressive, "diffusion" for every canvas decoder. */
type Reader = 'ar' | 'diffusion';

export interface FieldDeclaration {
  label: string; // how engine errors name it
  rule: Rule;
  nullable?: boolean; // null switches the feature off (threshold, factor)
  readers: readonly Reader[];
  help: string;
}

export type DecodingField = keyof DecodingSettings;

export const DECODING_FIELDS: { readonly [K in DecodingField]: FieldDeclaration } = {
  maxNewTokens: {
    label: 'max tokens',
    rule: { type: 'int', min: 1, max: MAX_OUTPUT_TOKENS },
    readers: ['ar', 'diffusion'],
    help: `output length: AR max new tokens / diffusion canvas length (default ${DEFAULT_MAX_NEW_TOKENS})`,
  },
  minNewTokens: {
    label: 'min new tokens',
    rule: { type: 'int', min: 0, max: MAX_OUTPUT_TOKENS },
    readers: ['ar', 'diffusion'],
    help: '<eos> is suppressed before this many tokens: exact-length timing',
  },
  temperature: { label: 'temperature', rule: { type: 'number', min: 0, max: 10 }, readers: ['ar', 'diffusion'], help: '0 = greedy (default)' },
  topK: { label: 'top-k', rule: { type: 'int', min: 0, max: 100_000 }, readers: ['ar'], help: 'AR: keep the K most likely tokens; 0 = off' },
  topP: { label: 'top-p', rule: { type: 'number', min: 0, max: 1, minOpen: true }, readers: ['ar'], help: 'AR: nucleus sampling; 1 = off' },
  seed: { label: 'seed', rule: { type: 'int', min: 0, max: 0xffffffff }, readers: ['ar', 'diffusion'], help: 'seed for every random choice (default 0)' },
  steps: {
    label: 'steps',
    rule: { type: 'int', min: 1, max: MAX_OUTPUT_TOKENS },
    readers: ['diffusion'],
    help: 'diffusion denoising steps (default = output length); "L/4" means a quarter of it',
  },
  blockLength: {
    label: 'block length',
    rule: { type: 'int', min: 1, max: MAX_OUTPUT_TOKENS },
    readers: ['diffusion'],
    help: 'diffusion semi-autoregressive block length (default = output length)',
  },
  remasking: {
    label: 'remasking',
    rule: { type: 'choice', choices: REMASKING_POLICIES },
    readers: ['diffusion'],
    help: `which masked positions a step commits: ${REMASKING_POLICIES.join(' | ')}`,
  },
  schedule: {
    label: 'schedule',
    rule: { type: 'choice', choices: UNMASKING_SCHEDULES },
    readers: ['diffusion'],
    help: `positions committed per fixed step: ${UNMASKING_SCHEDULES.join(' | ')} (LLaDA's even split per block; Dream's int(n(1 - s/t)) of n masked)`,
  },
  threshold: {
    label: 'threshold',
    rule: { type: 'number', min: 0, max: 1, minOpen: true, maxOpen: true },
    nullable: true,
    readers: ['diffusion'],
    help: 'commit every token with confidence above it each step (Fast-dLLM)',
  },
  factor: {
    label: 'factor',
    rule: { type: 'number', min: 0, max: 100, minOpen: true },
    nullable: true,
    readers: ['diffusion'],
    help: "Fast-dLLM's factor rule: the top n while (n + 1)(1 − c_n) < F each step",
  },
  cache: {
    label: 'cache',
    rule: { type: 'choice', choices: CACHE_MODES },
    readers: ['diffusion'],
    help: `diffusion KV cache: ${CACHE_MODES.join(' | ')} (Fast-dLLM; refreshed once per block)`,
  },
};

export const DECODING_FIELD_NAMES = Object.keys(DECODING_FIELDS) as DecodingField[];

/** Defaults that do not depend on the output length (steps and block length default to it). */
export const DECODING_DEFAULTS: Omit<DecodingSettings, 'maxNewTokens' | 'steps' | 'blockLength'> = {
  minNewTokens: 0,
  temperature: 0,
  topK: 0,
  topP: 1,
  seed: 0,
  remasking: 'low_confidence',
  schedule: 'llada',
  threshold: null,
  factor: null,
  cache: 'none',
};

/** A value outside its declaration; `problem` reads after the field's name ("must be …"). */
export class DecodingValueError extends Error {}

function describeRule(rule: Rule): string {
  if (rule.type === 'choice') return `one of ${rule.choices.join(', ')}`;
  const low = rule.type === 'number' && rule.minOpen ? '(' : '[';
  const high = rule.type === 'number' && rule.maxOpen ? ')' : ']';
  return `${rule.type === 'int' ? 'an integer' : 'a number'} in ${low}${rule.min}, ${rule.max}${high}`;
}

function valueProblem(rule: Rule, value: unknown, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  const expected = `must be ${describeRule(rule)}${nullable ? ' or null' : ''}, got ${JSON.stringify(value) ?? String(value)}`;
  if (rule.type === 'choice') return typeof value === 'string' && rule.choices.includes(value) ? null : expected;
  if (typeof value !== 'number' || !Number.isFinite(value)) return expected;
  if (rule.type === 'int' && !Number.isInteger(value)) return expected;
  const minOpen = rule.type === 'number' && rule.minOpen;
  const maxOpen = rule.type === 'number' && rule.maxOpen;
  if (value < rule.min || (minOpen && value === rule.min) || value > rule.max || (maxOpen && value === rule.max)) return expected;
  return null;
}

/** The problem with one setting's value ("must be …, got …"), or null when it is within its declaration. */
export function decodingValueProblem(key: DecodingField, value: unknown): string | null {
  const declaration = DECODING_FIELDS[key];
  return valueProblem(declaration.rule, value, declaration.nullable ?? false);
}

/** Diffusion steps relative to the output length: an absolute count, or L divided by `divisor` ("L", "L/4"). */
export type StepsSpec = { absolute: number } | { divisor: number };

export function resolveSteps(spec: StepsSpec | undefined, length: number): number | undefined {
  if (!spec) return undefined;
  return 'absolute' in spec ? spec.absolute : Math.max(1, Math.floor(length / spec.divisor));
}

/** "L", "L/N", or a positive integer (a number or its digits); null when the value is none of those. */
export function stepsSpecOf(value: unknown): { spec: StepsSpec; text: string } | null {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : null;
  if (text === null) return null;
  if (text === 'L') return { spec: { divisor: 1 }, text };
  const divided = /^L\/(\d+)$/.exec(text);
  if (divided) return Number(divided[1]) >= 1 && Number(divided[1]) <= MAX_OUTPUT_TOKENS ? { spec: { divisor: Number(divided[1]) }, text } : null;
  if (/^\d+$/.test(text) && decodingValueProblem('steps', Number(text)) === null) return { spec: { absolute: Number(text) }, text };
  return null;
}

export const STEPS_FORMS = 'a positive integer, "L" or "L/N"';

/** How a caller names each setting (CLI flags, snake_case API fields); unnamed settings are not read. */
export type FieldNames = Partial<Record<DecodingField, string>>;

export interface ReadOptions {
  names: FieldNames;
  prefix?: string; // prepended to every field name in errors, e.g. "diffusion."
  coerce?: (value: unknown, key: DecodingField) => unknown; // e.g. the CLI's strings to numbers
  empty?: (value: unknown) => boolean; // values that count as absent (the playground's empty inputs)
}

export interface ReadSettings {
  settings: Partial<DecodingSettings>;
  steps?: StepsSpec; // "steps" as given, resolved against each output length later
  stepsText?: string;
}

/** Reads the named settings from `raw`; the first bad one throws a FieldError naming it as the caller does. */
export function readDecodingFields(raw: Record<string, unknown>, options: ReadOptions): ReadSettings {
  const out: ReadSettings = { settings: {} };
  const isAbsent = (value: unknown) => value === undefined || (options.empty?.(value) ?? false);
  for (const key of DECODING_FIELD_NAMES) {
    const name = options.names[key];
    if (name === undefined || !(name in raw) || isAbsent(raw[name])) continue;
    const field = `${options.prefix ?? ''}${name}`;
    const given = raw[name];
    if (key === 'steps') {
      const steps = stepsSpecOf(given);
      if (!steps) throw new FieldError(field, `must be ${STEPS_FORMS}, got ${JSON.stringify(given)}`);
      out.steps = steps.spec;
      out.stepsText = steps.text;
      continue;
    }
    const value = options.coerce ? options.coerce(given, key) : given;
    const problem = decodingValueProblem(key, value);
    if (problem) throw new FieldError(field, problem);
    (out.settings as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Strings as the CLI gives them, turned into what each setting's rule expects ("none" switches off a nullable one). */
export function coerceText(value: unknown, key: DecodingField): unknown {
  if (typeof value !== 'string') return value;
  const declaration = DECODING_FIELDS[key];
  if (declaration.rule.type === 'choice') return value;
  if (declaration.nullable && value.trim() === 'none') return null;
  const number = Number(value);
  return value.trim() === '' || !Number.isFinite(number) ? value : number;
}
