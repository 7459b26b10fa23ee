// A remote model folder: config.json with "decoding": "remote" names an OpenAI-compatible API (hosted or
// self-hosted) instead of ONNX weights. Validated field by field; every problem is listed, like a local folder's.
// The API key is never in the folder: `api_key_env` names the environment variable that holds it.
import { PARADIGMS, type Paradigm } from './discover.ts'; // used only inside functions, so the import cycle is harmless

export interface RemotePrice {
  input: number; // USD per million prompt tokens
  output: number; // USD per million generated tokens
}

export interface RemoteModelConfig {
  baseUrl: string; // API root, e.g. https://api.openai.com/v1 (requests go to <baseUrl>/chat/completions)
  host: string; // base_url's host: the label of every figure measured through it
  model: string; // the provider's model id
  apiKeyEnv: string | null; // name of the environment variable holding the key (read at request time only); null: no auth (self-hosted)
  paradigm: Paradigm;
  chat: boolean; // true: /chat/completions with task instructions; false: /completions with the raw prompt
  price: RemotePrice | null;
  maxConcurrency: number; // requests in flight at once from this process
  timeoutS: number; // per request, headers to last byte
  maxRetries: number; // retries of 429/5xx/unreachable after the first attempt
  contextLength: number | null; // optional: prompt + output bound, when the provider documents one
}

export const REMOTE_DEFAULTS = { chat: true, maxConcurrency: 4, timeoutS: 60, maxRetries: 4 } as const;
export const REMOTE_LIMITS = { maxConcurrency: 64, timeoutS: 3600, maxRetries: 10 } as const;

const FIELDS = ['decoding', 'base_url', 'model', 'api_key_env', 'paradigm', 'chat', 'price_per_million', 'max_concurrency', 'timeout_s', 'max_retries', 'context_length', 'description'];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function positiveInteger(value: unknown, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

/** Parses a remote config.json; `config` is null when any problem was found (all of them are listed). */
export function parseRemoteConfig(raw: Record<string, unknown>): { config: RemoteModelConfig | null; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!FIELDS.includes(key)) problems.push(`config.json: unknown field "${key}" for a remote model (expected ${FIELDS.join(', ')})`);

  let baseUrl = '';
  let host = '';
  if (typeof raw.base_url !== 'string') problems.push('config.json: "base_url" is required: the API root, e.g. "https://api.openai.com/v1"');
  else {
    try {
      const url = new URL(raw.base_url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`config.json: "base_url" must be http(s), got ${url.protocol}`);
      else if (url.username || url.password) problems.push('config.json: "base_url" must not hold credentials (name the key\'s variable in "api_key_env")');
      else if (url.search || url.hash) problems.push('config.json: "base_url" must have no query or fragment');
      else {
        baseUrl = url.href.replace(/\/+$/, '');
        host = url.host;
      }
    } catch {
      problems.push(`config.json: "base_url" is not a URL: ${JSON.stringify(raw.base_url)}`);
    }
  }
  if (typeof raw.model !== 'string' || raw.model.trim() === '') problems.push('config.json: "model" is required: the provider\'s model id, e.g. "gpt-4o-mini"');
  if (raw.api_key_env !== undefined && (typeof raw.api_key_env !== 'string' || !ENV_NAME.test(raw.api_key_env))) {
    problems.push('config.json: "api_key_env" must be the NAME of the environment variable holding the key, e.g. "OPENAI_API_KEY" (never the key itself; leave it out for a server without auth)');
  }
  if (typeof raw.paradigm !== 'string' || !(PARADIGMS as readonly string[]).includes(raw.paradigm)) problems.push(`config.json: "paradigm" must be ${PARADIGMS.map((p) => `"${p}"`).join(' or ')}`);
  if (raw.chat !== undefined && typeof raw.chat !== 'boolean') problems.push('config.json: "chat" must be true (chat completions) or false (text completions)');

  let price: RemotePrice | null = null;
  if (raw.price_per_million !== undefined) {
    const p = raw.price_per_million as Record<string, unknown> | null;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (p === null || typeof p !== 'object' || Array.isArray(p) || !ok(p.input) || !ok(p.output) || Object.keys(p).some((k) => k !== 'input' && k !== 'output')) {
      problems.push('config.json: "price_per_million" must be {"input": USD, "output": USD} (numbers ≥ 0)');
    } else price = { input: p.input as number, output: p.output as number };
  }
  if (raw.max_concurrency !== undefined && !positiveInteger(raw.max_concurrency, REMOTE_LIMITS.maxConcurrency)) problems.push(`config.json: "max_concurrency" must be an integer in [1, ${REMOTE_LIMITS.maxConcurrency}]`);
  if (raw.timeout_s !== undefined && !(typeof raw.timeout_s === 'number' && raw.timeout_s > 0 && raw.timeout_s <= REMOTE_LIMITS.timeoutS)) problems.push(`config.json: "timeout_s" must be a number in (0, ${REMOTE_LIMITS.timeoutS}]`);
  if (raw.max_retries !== undefined && !(raw.max_retries === 0 || positiveInteger(raw.max_retries, REMOTE_LIMITS.maxRetries))) problems.push(`config.json: "max_retries" must be an integer in [0, ${REMOTE_LIMITS.maxRetries}]`);
  if (raw.context_length !== undefined && !positiveInteger(raw.context_length, 100_000_000)) problems.push('config.json: "context_length" must be a positive integer');
  if (problems.length > 0) return { config: null, problems };

  return {
    config: {
      baseUrl,
      host,
      model: (raw.model as string).trim(),
      apiKeyEnv: (raw.api_key_env as string | undefined) ?? null,
      paradigm: raw.paradigm as Paradigm,
      chat: (raw.chat as boolean | undefined) ?? REMOTE_DEFAULTS.chat,
      price,
      maxConcurrency: (raw.max_concurrency as number | undefined) ?? REMOTE_DEFAULTS.maxConcurrency,
      timeoutS: (raw.timeout_s as number | undefined) ?? REMOTE_DEFAULTS.timeoutS,
      maxRetries: (raw.max_retries as number | undefined) ?? REMOTE_DEFAULTS.maxRetries,
      contextLength: (raw.context_length as number | undefined) ?? null,
    },
    problems,
  };
}

/** Whether the key's variable is set now, or none is needed (the value itself is never read here). */
export function apiKeyIsSet(config: Pick<RemoteModelConfig, 'apiKeyEnv'>): boolean {
  return config.apiKeyEnv === null || (process.env[config.apiKeyEnv] ?? '') !== '';
}
