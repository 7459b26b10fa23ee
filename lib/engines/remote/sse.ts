// Server-sent events, as the OpenAI-compatible APIs stream them: reads a byte stream and yields each event's
// data (multi-line data joined with "\n"); comments (":" lines, keep-alives) and other fields are skipped.
// Follows the WHATWG event-stream rules for line endings (\n, \r\n or \r) and the one optional space.

/** A fetch body (a web ReadableStream) or any async iterable of bytes, as bytes. */
async function* bytesOf(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) return yield* body;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined); // after [DONE] or an error: let the connection go
  }
}

export async function* sseData(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const takeLine = (line: string): string | null => {
    if (line === '') {
      const event = data.length > 0 ? data.join('\n') : null;
      data = [];
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    return null;
  };
  for await (const chunk of bytesOf(body)) {
    buffer += decoder.decode(chunk, { stream: true });
    // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk before splitting it.
    for (;;) {
      const match = /\r\n|\n|\r(?!$)/.exec(buffer);
      if (!match) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      const event = takeLine(line);
      if (event !== null) yield event;
    }
  }
  buffer += decoder.decode();
  for (const line of buffer.split(/\r\n|\n|\r/)) {
    const event = takeLine(line);
    if (event !== null) yield event;
  }
  // A final event without its blank line is dispatched too: some servers close right after the last data line.
  if (data.length > 0) yield data.join('\n');
}
