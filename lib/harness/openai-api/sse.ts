// Server-sent events as OpenAI streams them: one "data: <json>" event per chunk, then "data: [DONE]".
const encoder = new TextEncoder();

export const sseData = (payload: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);

export const SSE_DONE = encoder.encode('data: [DONE]\n\n');

export const SSE_HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } as const;
