// POST /api/playground: runs the pair on one prompt and streams every event as server-sent events.
// Closing the connection (tab closed, Stop pressed) aborts the engines within one forward.
import { decodeQueue } from '@/lib/harness/decode-queue.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from '@/lib/harness/playground.ts';
import { errorResponse, readJson } from '../http.ts';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  let parsed;
  try {
    parsed = parsePlaygroundRequest(await readJson(request));
  } catch (error) {
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
