// Reads the JSON an OpenAI-compatible API sends: streamed chunks ("chat.completion.chunk" with
// choices[0].delta.content, or text completions with choices[0].text) and whole responses (a server that
// ignores "stream": true). Anything that is not that shape is malformed, and says so.

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChunkContent {
  text: string; // the content delta ('' when the chunk carries none, e.g. a role-only or usage-only chunk)
  finishReason: string | null;
  usage: Usage | null;
}

export class MalformedChunkError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function readUsage(value: unknown): Usage | null {
  if (!isObject(value)) return null;
  const prompt = value.prompt_tokens;
  const completion = value.completion_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number' || !Number.isFinite(prompt) || !Number.isFinite(completion) || prompt < 0 || completion < 0)
    return null;
  return { promptTokens: prompt, completionTokens: completion };
}

/** One chunk (streamed) or one whole response; `chat` picks the field the text is in. */
export function readChunk(json: string, chat: boolean, whole = false): ChunkContent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new MalformedChunkError(`not JSON: ${JSON.stringify(json.slice(0, 60))}`);
  }
  if (!isObject(value)) throw new MalformedChunkError('not a JSON object');
  if (isObject(value.error)) throw new MalformedChunkError(`the server reported an error mid-stream: ${String(value.error.message ?? 'no message')}`);
  const choices = value.choices;
  if (!Array.isArray(choices)) throw new MalformedChunkError('no "choices" list');
  const usage = readUsage(value.usage);
  if (choices.length === 0) {
    // The usage chunk of stream_options.include_usage has an empty choices list.
    return { text: '', finishReason: null, usage };
  }
  const choice = choices[0];
  if (!isObject(choice)) throw new MalformedChunkError('choices[0] is not an object');
  let text: unknown;
  if (chat) {
    const holder = whole ? choice.message : choice.delta;
    if (!isObject(holder)) throw new MalformedChunkError(`choices[0].${whole ? 'message' : 'delta'} is missing`);
    text = holder.content ?? '';
  } else text = choice.text ?? '';
  if (typeof text !== 'string') throw new MalformedChunkError('the content is not a string');
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  return { text, finishReason, usage };
}
