// POST /api/playground: runs the pair on one prompt and streams every event as server-sent events.
// Closing the connection (tab closed, Stop pressed) aborts the engines within one forward.
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '@/lib/harness/bundled-models.ts';
import { decodeQueue } from '@/lib/harness/decode-queue.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from '@/lib/harness/playground.ts';
import { errorResponse, readJson } from '../http.ts';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  let parsed;
  let release: () => void;
  try {
    parsed = parsePlaygroundRequest(await readJson(request));
    // One playground run of the pair at a time, a bounded wait, then 429 (before any byte is streamed).
    release = await decodeQueue.acquire(`${BUNDLED_AR_MODEL_ID}+${BUNDLED_DIFFUSION_MODEL_ID}`, request.signal);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 }); // the client left while waiting
    return errorResponse(error);
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const emit = (event: PlaygroundEvent) => {
        if (!request.signal.aborted) controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
      };
      try {
        await runPlayground(parsed, emit, decodeQueue, request.signal);
      } catch (error) {
        emit({ type: 'error', engine: null, message: (error as Error).message.split('\n')[0]! });
      } finally {
        release();
      }
      try {
        controller.close();
      } catch {
        // already closed by the client going away
      }
    },
  });
  return new Response(stream, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } });
}
