// Fair timing of one request: warm up untimed, then repeat and report medians (runRecords does the work).
import type { Engine, GenerateOptions, GenerationResult, ResolvedRequest } from '../engines/types.ts';
import { runRecords } from './run-records.ts';

export interface RepeatedMeasurement {
  results: GenerationResult[]; // the timed runs, in order
  medianTotalMs: number;
  medianTtftMs: number;
  medianTokensPerSecond: number;
  medianForwardMs: number; // median over every forward of every timed run
}

/** Throws a remote request's failure (the caller decides what a failed side means). */
export async function measureRepeated(
  engine: Engine,
  request: ResolvedRequest,
  { warmup = 1, repeats = 3, ...options }: GenerateOptions & { warmup?: number; repeats?: number } = {},
): Promise<RepeatedMeasurement> {
  const [run] = await runRecords(engine, [{ request }], {
    warmup,
    repeats,
    signal: options.signal,
    onEvent: options.onEvent,
  });
  if (run!.failure) throw run!.failure;
  const { results, medianTotalMs, medianTtftMs, medianTokensPerSecond, medianForwardMs } = run!;
  return { results, medianTotalMs, medianTtftMs, medianTokensPerSecond, medianForwardMs };
}
