// Test fixture: a deliberately misbehaving OpenAI-compatible server on 127.0.0.1 (port 0). The request's
// "model" picks the behaviour, so one server plays every provider failure the remote engine must survive.
// It records every request (path, whether a Bearer header came, the body) for the tests to inspect.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | 'stream' // SSE chunks, usage when asked for, [DONE]
  | 'stream-no-usage' // SSE without a usage chunk
  | 'whole' // application/json even though stream was asked for (some self-hosted servers)
  | 'whole-no-usage'
  | 'auth' // 401, echoing the key back in its message as some providers do
  | 'rate-limited' // 429 with Retry-After: 1 (seconds) on the first request, then 'stream'
  | 'rate-limited-date' // 429 with Retry-After as an HTTP date, then 'stream'
  | 'always-500' // 503 forever
  | 'bad-request' // 400 with a provider message
  | 'stall-headers' // never answers
  | 'stall-body' // headers and one chunk, then nothing
  | 'break' // two chunks, then the connection is destroyed
  | 'malformed' // a chunk that is not JSON
  | 'no-done'; // a clean close with neither finish_reason nor [DONE]

export interface RecordedRequest {
  path: string;
  bearer: boolean;
  body: Record<string, unknown>;
}

export interface MisbehavingServer {
  baseUrl: string; // http://127.0.0.1:<port>/v1
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** The default answer: what follows the last ": " in the prompt, reversed for "Reverse" instructions, in a code fence. */
export function defaultAnswer(prompt: string): string {
  const tail = prompt.slice(prompt.lastIndexOf(': ') + 2).trim();
  return `\`\`\`\n${/reverse/i.test(prompt) ? [...tail].reverse().join('') : tail}\n\`\`\``;
}

const PIECE = 3; // characters per streamed delta

export async function startMisbehavingServer(answer: (prompt: string) => string = defaultAnswer): Promise<MisbehavingServer> {
  const requests: RecordedRequest[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"body is not JSON"}}');
        return;
      }
      const path = req.url ?? '';
      const bearer = /^Bearer \S+$/.test(req.headers.authorization ?? '');
      requests.push({ path, bearer, body });
      const chat = path.endsWith('/chat/completions');
      if (!chat && !path.endsWith('/completions')) return void res.writeHead(404).end();
      const behaviour = String(body.model) as Behaviour;
      const count = (seen.get(behaviour) ?? 0) + 1;
      seen.set(behaviour, count);
      const prompt = chat ? String((body.messages as { content: string }[])[0]!.content) : String(body.prompt);
      const text = answer(prompt);
      const usage = { prompt_tokens: Math.ceil(prompt.length / 3), completion_tokens: Math.ceil(text.length / 3), total_tokens: 0 };
      const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const chunk = (delta: string | null, finish: string | null) =>
        JSON.stringify(
          chat
            ? {
                id: 'c1',
                object: 'chat.completion.chunk',
                model: body.model,
                choices: [{ index: 0, delta: delta === null ? {} : { content: delta }, finish_reason: finish }],
              }
            : { id: 'c1', object: 'text_completion', model: body.model, choices: [{ index: 0, text: delta ?? '', finish_reason: finish }] },
        );
      const sse = (data: string) => res.write(`data: ${data}\n\n`);
      const pieces = Array.from({ length: Math.ceil(text.length / PIECE) }, (_, i) => text.slice(i * PIECE, (i + 1) * PIECE));
      const startStream = () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

      switch (behaviour) {
        case 'auth': {
          const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. Auth header was: ${req.headers.authorization}` } }));
          return;
        }
        case 'rate-limited':
        case 'rate-limited-date':
          if (count === 1) {
            const retryAfter = behaviour === 'rate-limited' ? '1' : new Date(Date.now() + 2000).toUTCString();
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter }).end('{"error":{"message":"Rate limit reached"}}');
            return;
          }
          break;
        case 'always-500':
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"The engine is currently overloaded"}}');
          return;
        case 'bad-request':
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"max_tokens is too large for this model"}}');
          return;
        case 'stall-headers':
          return; // never answers; the client's timeout must fire
        case 'stall-body':
          startStream();
          sse(chunk(pieces[0] ?? 'x', null));
          return; // keeps the connection open without another byte
        case 'break':
          startStream();
          sse(chunk(pieces[0] ?? 'x', null));
          sse(chunk(pieces[1] ?? 'y', null));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case 'malformed':
          startStream();
          sse(chunk(pieces[0] ?? 'x', null));
          sse('{"choices": [ {"delta": ');
          sse('[DONE]');
          res.end();
          return;
        case 'no-done':
          startStream();
          for (const p of pieces) sse(chunk(p, null));
          res.end();
          return;
        case 'whole':
        case 'whole-no-usage': {
          const choice = chat ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' } : { index: 0, text, finish_reason: 'stop' };
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: 'c1',
              object: chat ? 'chat.completion' : 'text_completion',
              choices: [choice],
              ...(behaviour === 'whole' ? { usage } : {}),
            }),
          );
          return;
        }
        default:
          break;
      }
      // 'stream', 'stream-no-usage' and the rate-limited ones once they succeed
      startStream();
      if (chat)
        sse(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
          }),
        );
      res.write(': keep-alive comment\n\n');
      for (const p of pieces) sse(chunk(p, null));
      sse(chunk(null, 'stop'));
      if (wantsUsage && behaviour !== 'stream-no-usage') sse(JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage }));
      sse('[DONE]');
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
