// Reads a 2xx answer's body: server-sent chunks up to [DONE] (or a finish_reason before a clean close), or one
// whole JSON response from a server that ignored "stream": true. Every way it can go wrong becomes one
// RemoteRequestError with the reason (timeout, broken stream, malformed chunk); the caller's abort becomes
// RemoteCancelled.
import type { RemoteModelConfig } from '../../models/remote-config.ts';
import { type ChunkContent, MalformedChunkError, readChunk } from './chunks.ts';
import { type OpenResponse, RemoteCancelled } from './client.ts';
import { redact, RemoteRequestError } from './errors.ts';
import { sseData } from './sse.ts';

export async function readAnswer(
  opened: OpenResponse,
  remote: Pick<RemoteModelConfig, 'host' | 'chat' | 'timeoutS'>,
  context: { modelId: string; key: string | null; signal?: AbortSignal },
  onContent: (chunk: ChunkContent) => void,
): Promise<void> {
  const streamed = (opened.response.headers.get('content-type') ?? '').includes('text/event-stream');
  let chunks = 0;
  let finished = false; // a finish_reason was seen
  const take = (chunk: ChunkContent) => {
    if (chunk.finishReason) finished = true;
    onContent(chunk);
  };
  try {
    if (!streamed) return take(readChunk(await opened.response.text(), remote.chat, true));
    for await (const data of sseData(opened.response.body!)) {
      if (data.trim() === '[DONE]') return;
      chunks++;
      take(readChunk(data, remote.chat));
    }
    if (!finished)
      throw new RemoteRequestError(
        `the stream from ${remote.host} ended after ${chunks} chunks without finishing (no finish_reason, no [DONE])`,
        'stream-broken',
      );
  } catch (error) {
    if (context.signal?.aborted) throw new RemoteCancelled('cancelled');
    if (opened.timedOut())
      throw new RemoteRequestError(
        `${remote.host} did not finish within ${remote.timeoutS} s (timeout_s of ${context.modelId}); ${chunks} chunks had arrived`,
        'timeout',
      );
    if (error instanceof MalformedChunkError)
      throw new RemoteRequestError(`${remote.host} sent a malformed chunk (#${chunks}): ${redact(error.message, context.key ?? undefined)}`, 'malformed');
    if (error instanceof RemoteRequestError) throw error;
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new RemoteRequestError(
      `the stream from ${remote.host} broke after ${chunks} chunks: ${redact(String(reason), context.key ?? undefined)}`,
      'stream-broken',
    );
  } finally {
    opened.finish();
  }
}
