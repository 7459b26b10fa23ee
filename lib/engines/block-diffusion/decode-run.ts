// The bookkeeping both block samplers (engine.ts, fast-dllm-v2.ts) keep during one decode: each forward's wall
// time, the time to the first committed token, the step count and a cancellation latch, so the two record and
// report them the same way.
import type { CommittedToken, GenerateOptions } from '../types.ts';

export interface DecodeRun {
  /** Wall time of each forward run through `timed`. */
  readonly forwardMs: number[];
  /** Time from `started` to the first step event (0 before it). */
  readonly ttftMs: number;
  /** True once `aborted()` has seen the signal fire; stays true. */
  readonly cancelled: boolean;
  timed<T>(forward: () => Promise<T>): Promise<T>;
  /** Checks the signal (before a forward) and latches the answer. */
  aborted(): boolean;
  /** Emits the next step event; the first one fixes the time to the first token. */
  emitStep(block: number, committed: CommittedToken[]): void;
}

export function createDecodeRun(started: number, options: GenerateOptions): DecodeRun {
  const forwardMs: number[] = [];
  let ttftMs = 0;
  let step = 0;
  let cancelled = false;
  return {
    forwardMs,
    get ttftMs() {
      return ttftMs;
    },
    get cancelled() {
      return cancelled;
    },
    async timed<T>(forward: () => Promise<T>): Promise<T> {
      const t0 = performance.now();
      const out = await forward();
      forwardMs.push(performance.now() - t0);
      return out;
    },
    aborted: () => (cancelled ||= options.signal?.aborted ?? false),
    emitStep(block, committed) {
      const elapsedMs = performance.now() - started;
      if (step === 0) ttftMs = elapsedMs;
      options.onEvent?.({ type: 'step', step: step++, block, committed, elapsedMs });
    },
  };
}
