// Body fields OpenAI clients send that change nothing here, or that we accept only at their default value:
// a value we cannot honour is refused (400 naming it) rather than silently ignored.
import type { Endpoint } from './request.ts';

interface CompatField {
  endpoints: readonly Endpoint[];
  accepts: (value: unknown) => boolean;
  expected: string; // what we can honour, for the error
}

const both: readonly Endpoint[] = ['chat', 'completion'];
const anything = () => true;
const isZero = (v: unknown) => v === 0;
const isFalse = (v: unknown) => v === false;
const isEmptyObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
const isEmptyList = (v: unknown) => Array.isArray(v) && v.length === 0;

export const COMPAT_FIELDS: Readonly<Record<string, CompatField>> = {
  user: { endpoints: both, accepts: (v) => typeof v === 'string', expected: 'a string' },
  metadata: { endpoints: ['chat'], accepts: (v) => !!v && typeof v === 'object' && !Array.isArray(v), expected: 'an object' },
  service_tier: { endpoints: both, accepts: (v) => typeof v === 'string', expected: 'a string' },
  parallel_tool_calls: { endpoints: ['chat'], accepts: (v) => typeof v === 'boolean', expected: 'a boolean' },
  frequency_penalty: { endpoints: both, accepts: isZero, expected: '0 (penalties are not implemented)' },
  presence_penalty: { endpoints: both, accepts: isZero, expected: '0 (penalties are not implemented)' },
  logit_bias: { endpoints: both, accepts: isEmptyObject, expected: '{} (logit bias is not implemented)' },
  logprobs: { endpoints: both, accepts: isFalse, expected: 'false (log probabilities are not returned)' },
  top_logprobs: { endpoints: ['chat'], accepts: isZero, expected: '0 (log probabilities are not returned)' },
  store: { endpoints: ['chat'], accepts: isFalse, expected: 'false (completions are not stored)' },
  response_format: { endpoints: ['chat'], accepts: (v) => isEmptyObject(v) || (v as { type?: unknown })?.type === 'text', expected: '{"type": "text"}' },
  tools: { endpoints: ['chat'], accepts: isEmptyList, expected: '[] (tool calls are not supported)' },
  tool_choice: { endpoints: ['chat'], accepts: (v) => v === 'none' || v === 'auto', expected: '"none" (tool calls are not supported)' },
  functions: { endpoints: ['chat'], accepts: isEmptyList, expected: '[] (function calls are not supported)' },
  function_call: { endpoints: ['chat'], accepts: (v) => v === 'none' || v === 'auto', expected: '"none" (function calls are not supported)' },
  modalities: { endpoints: ['chat'], accepts: (v) => Array.isArray(v) && v.every((m) => m === 'text'), expected: '["text"]' },
  audio: { endpoints: ['chat'], accepts: () => false, expected: 'null (audio output is not supported)' },
  prediction: { endpoints: ['chat'], accepts: () => false, expected: 'null (predicted outputs are not supported)' },
  reasoning_effort: { endpoints: ['chat'], accepts: () => false, expected: 'null (not a reasoning model)' },
  web_search_options: { endpoints: ['chat'], accepts: () => false, expected: 'null (web search is not supported)' },
  best_of: { endpoints: ['completion'], accepts: (v) => v === 1, expected: '1' },
  suffix: { endpoints: ['completion'], accepts: (v) => v === '', expected: 'null (insertion is not supported)' },
  echo: { endpoints: ['completion'], accepts: (v) => typeof v === 'boolean', expected: 'a boolean' },
  stream_options: { endpoints: both, accepts: anything, expected: 'an object' }, // checked with "stream"
};

/** The fields an endpoint accepts besides its own and the decoding settings. */
export const compatFieldsOf = (endpoint: Endpoint): string[] => Object.keys(COMPAT_FIELDS).filter((name) => COMPAT_FIELDS[name]!.endpoints.includes(endpoint));

/** Why a compat field's value cannot be honoured, or null (null is always the same as leaving it out). */
export function compatProblem(name: string, value: unknown): string | null {
  const field = COMPAT_FIELDS[name];
  if (!field || value === null || value === undefined || field.accepts(value)) return null;
  return `must be ${field.expected}, got ${JSON.stringify(value)}`;
}
