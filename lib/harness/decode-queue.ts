// Serving: at most `concurrency` decodes at a time per model (default 1), the rest wait in a bounded queue;
// past its depth a request is refused at once (the app answers 429 with Retry-After) instead of piling up.
import { UserError } from '../user-error.ts';

export class QueueFullError extends UserError {
  constructor(
    readonly modelId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`model "${modelId}" is busy: ${retryAfterSeconds > 0 ? `try again in about ${retryAfterSeconds} s` : 'try again shortly'}`);
  }
}

interface Slot {
  active: number;
  waiting: { resolve: () => void; reject: (error: unknown) => void }[];
  recentMs: number[]; // how long the last decodes held a slot, for Retry-After
}

export interface DecodeQueueOptions {
  concurrency?: number;
  maxWaiting?: number;
}

export function createDecodeQueue({ concurrency = 1, maxWaiting = 4 }: DecodeQueueOptions = {}) {
  const slots = new Map<string, Slot>();
  const slotOf = (modelId: string) => {
    let slot = slots.get(modelId);
    if (!slot) slots.set(modelId, (slot = { active: 0, waiting: [], recentMs: [] }));
    return slot;
  };

  const full = (slot: Slot) => slot.active >= concurrency && slot.waiting.length >= maxWaiting;
  const refusal = (modelId: string, slot: Slot) => {
    const typical = slot.recentMs.length ? slot.recentMs.reduce((a, b) => a + b, 0) / slot.recentMs.length : 1000;
    return new QueueFullError(modelId, Math.max(1, Math.ceil(((slot.waiting.length + 1) * typical) / 1000)));
  };

  /** Waits for a slot (or refuses when the queue is full); returns the function that frees it. */
  async function acquire(modelId: string, signal?: AbortSignal): Promise<() => void> {
    const slot = slotOf(modelId);
    if (slot.active < concurrency) slot.active++;
    else {
      if (full(slot)) throw refusal(modelId, slot);
      // Woken by a release that hands its slot over directly (active stays counted), so no one can jump in.
      await new Promise<void>((resolve, reject) => {
        const waiter = { resolve, reject };
        slot.waiting.push(waiter);
        signal?.addEventListener('abort', () => {
          const at = slot.waiting.indexOf(waiter);
          if (at < 0) return;
          slot.waiting.splice(at, 1);
          reject(signal.reason ?? new Error('aborted'));
        });
      });
    }
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.recentMs = [...slot.recentMs.slice(-9), performance.now() - started];
      const next = slot.waiting.shift();
      if (next) next.resolve();
      else slot.active--;
    };
  }

  const status = (modelId: string) => ({ active: slotOf(modelId).active, waiting: slotOf(modelId).waiting.length });
  return { acquire, status };
}

export type DecodeQueue = ReturnType<typeof createDecodeQueue>;

/** The server's one queue (per process). */
export const decodeQueue = createDecodeQueue({
  concurrency: Number(process.env.DLM_DECODE_CONCURRENCY ?? 1) || 1,
  maxWaiting: Number(process.env.DLM_DECODE_QUEUE ?? 4) || 4,
});
