// Fair timing: warm up untimed, then repeat and report medians. Used by compare, eval and the benchmarks.
import type { Engine, GenerateOptions, GenerationRequest, GenerationResult } from '../engines/types.ts';
import { median } from './stats.ts';

export interface RepeatedMeasurement {
  results: GenerationResult[]; // the timed runs, in order
  medianTotalMs: number;
  medianTtftMs: number;
  medianTokensPerSecond: number;
  medianForwardMs: number; // median over every forward of every timed run
}

export async function measureRepeated(
  engine: Engine,
  request: GenerationRequest,
  { warmup = 1, repeats = 3, ...options }: GenerateOptions & { warmup?: number; repeats?: number } = {},
): Promise<RepeatedMeasurement> {
  for (let i = 0; i < warmup; i++) await engine.generate(request, { signal: options.signal });
  const results: GenerationResult[] = [];
  for (let i = 0; i < repeats; i++) results.push(await engine.generate(request, i === 0 ? options : { signal: options.signal }));
  return {
    results,
    medianTotalMs: median(results.map((r) => r.timings.totalMs)),
    medianTtftMs: median(results.map((r) => r.timings.ttftMs)),
    medianTokensPerSecond: median(results.map((r) => r.timings.tokensPerSecond)),
    medianForwardMs: median(results.flatMap((r) => r.timings.forwardMs)),
  };
}
