// The engine-independent part of a /v1/chat/completions or /v1/completions body: model, messages or prompt,
// n, stop, stream. The decoding settings are read once the model's engine is known (settings.ts).
import type { ChatMessage } from '../../engines/chat-format.ts';
import { compatFieldsOf, compatProblem } from './compat-fields.ts';
import { ParamError } from './errors.ts';
import { SETTING_PARAMS } from './settings.ts';

export type Endpoint = 'chat' | 'completion';

/** OpenAI's limit on stop sequences. */
export const MAX_STOP_SEQUENCES = 4;

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

export interface ParsedRequest {
  endpoint: Endpoint;
  model: string;
  messages: ChatMessage[] | null; // chat
  prompt: string | null; // completions
  echo: boolean; // completions: the prompt is returned before the completion
  stream: boolean;
  includeUsage: boolean; // stream_options.include_usage: a last chunk with the usage
  stop: string[];
  body: Record<string, unknown>; // the settings are read from it per engine
}

const OWN_FIELDS: Record<Endpoint, readonly string[]> = {
  chat: ['model', 'messages', 'n', 'stop', 'stream'],
  completion: ['model', 'prompt', 'n', 'stop', 'stream'],
};

const invalid = (param: string, problem: string) => new ParamError(param, problem, 'invalid_value');

function contentText(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(param, 'must be a string or a list of text parts');
  return content
    .map((part, j) => {
      const type = (part as { type?: unknown } | null)?.type;
      if (type !== 'text')
        throw new ParamError(`${param}[${j}].type`, `must be "text" (only text is supported), got ${JSON.stringify(type)}`, 'unsupported_parameter');
      const text = (part as { text?: unknown }).text;
      if (typeof text !== 'string') throw invalid(`${param}[${j}].text`, 'must be a string');
      return text;
    })
    .join('\n');
}

function readMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('messages', 'must be a non-empty list of messages');
  return value.map((m, i) => {
    if (!m || typeof m !== 'object' || Array.isArray(m)) throw invalid(`messages[${i}]`, 'must be an object with role and content');
    const { role, content, name } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !(CHAT_ROLES as readonly string[]).includes(role))
      throw invalid(`messages[${i}].role`, `must be one of ${CHAT_ROLES.join(', ')}, got ${JSON.stringify(role)}`);
    const message: ChatMessage = { role, content: content === null && role === 'assistant' ? '' : contentText(content, `messages[${i}].content`) };
    if (typeof name === 'string') message.name = name;
    return message;
  });
}

function readPrompt(value: unknown): string {
  const prompt = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (Array.isArray(value) && value.length !== 1)
    throw new ParamError('prompt', 'must be one string (batches of prompts are not supported)', 'unsupported_parameter');
  if (typeof prompt !== 'string') throw invalid('prompt', 'must be a string (token-id prompts are not supported)');
  if (prompt === '') throw invalid('prompt', 'must not be empty');
  return prompt;
}

function readStop(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '')) throw invalid('stop', 'must be a non-empty string or a list of them');
  if (list.length > MAX_STOP_SEQUENCES) throw invalid('stop', `takes at most ${MAX_STOP_SEQUENCES} sequences, got ${list.length}`);
  return list as string[];
}

function readStream(body: Record<string, unknown>): { stream: boolean; includeUsage: boolean } {
  const { stream = null, stream_options: options = null } = body;
  if (stream !== null && typeof stream !== 'boolean') throw invalid('stream', 'must be a boolean');
  if (options === null) return { stream: stream === true, includeUsage: false };
  if (stream !== true) throw invalid('stream_options', 'is only allowed when stream is true');
  if (typeof options !== 'object' || Array.isArray(options)) throw invalid('stream_options', 'must be an object');
  const { include_usage: includeUsage = null, ...rest } = options as Record<string, unknown>;
  if (includeUsage !== null && typeof includeUsage !== 'boolean') throw invalid('stream_options.include_usage', 'must be a boolean');
  const unknown = Object.keys(rest).filter((k) => k !== 'include_obfuscation');
  if (unknown.length > 0) throw new ParamError(`stream_options.${unknown[0]}`, 'is not supported', 'unknown_parameter');
  return { stream: true, includeUsage: includeUsage === true };
}

/** Checks every engine-independent field; the first mistake is a 400 naming its parameter. */
export function parseRequest(body: unknown, endpoint: Endpoint): ParsedRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'must be a JSON object');
  const raw = body as Record<string, unknown>;
  const known = new Set([...OWN_FIELDS[endpoint], ...SETTING_PARAMS, ...compatFieldsOf(endpoint)]);
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) throw new ParamError(name, 'is not a parameter of this endpoint', 'unknown_parameter');
    const problem = compatProblem(name, raw[name]);
    if (problem) throw new ParamError(name, problem, 'unsupported_parameter');
  }
  if (endpoint !== 'chat' && raw.max_completion_tokens !== undefined)
    throw new ParamError('max_completion_tokens', 'is a chat parameter: use max_tokens', 'unknown_parameter');
  if (typeof raw.model !== 'string' || raw.model === '') throw invalid('model', 'is required: one of the ids GET /v1/models lists');
  if (raw.n !== undefined && raw.n !== null && raw.n !== 1)
    throw new ParamError('n', `must be 1 (one choice per request), got ${JSON.stringify(raw.n)}`, 'unsupported_parameter');
  return {
    endpoint,
    model: raw.model,
    messages: endpoint === 'chat' ? readMessages(raw.messages) : null,
    prompt: endpoint === 'completion' ? readPrompt(raw.prompt) : null,
    echo: endpoint === 'completion' && raw.echo === true,
    ...readStream(raw),
    stop: readStop(raw.stop),
    body: raw,
  };
}
