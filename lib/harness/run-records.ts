// The one measuring loop every caller shares (sweeps, `dlm eval`, `dlm compare`, the benchmarks): untimed
// warm-up, then each record decoded `repeats` times, its medians, and (when the caller gives the task records)
// every answer checked in one batch, so code answers share one sandbox child.
import { RemoteRequestError } from '../engines/remote/errors.ts';
import type { Engine, GenerateOptions, GenerationResult, ResolvedRequest } from '../engines/types.ts';
import { checkCompletions, type RecordWithCompletion } from '../tasks/check.ts';
import { median } from './stats.ts';

export interface RecordToRun {
  request: ResolvedRequest; // resolved once by the caller (engine.resolve), decoded for the warm-up and every repeat
  /** The task record whose answer checks this one, and how a decoded text becomes its completion. */
  check?: { record: RecordWithCompletion; completion: (text: string) => unknown } | null;
}

export interface RecordRun {
  results: GenerationResult[]; // the timed repeats, in order (empty when the request failed)
  failure: RemoteRequestError | null; // a remote request that failed after its retries: that record fails, not the run
  passed: boolean | null; // the first repeat's answer, when the record was checked
  checkError: string | null;
  medianTotalMs: number; // NaN when it failed
  medianTtftMs: number;
  medianTokensPerSecond: number;
  medianForwardMs: number; // over every forward of every timed repeat
}

export interface RunRecordsOptions {
  warmup?: number; // untimed decodes of the first record before any timing (default 1)
  repeats?: number; // timed decodes per record (default 1)
  signal?: AbortSignal;
  onEvent?: GenerateOptions['onEvent']; // the first timed repeat of each record
  onProgress?: (done: number, total: number) => void;
}

async function untimed(engine: Engine, record: RecordToRun, signal?: AbortSignal): Promise<void> {
  try {
    await engine.decode(record.request, { signal });
  } catch (error) {
    if (!(error instanceof RemoteRequestError)) throw error; // a failed remote warm-up leaves the record to try for itself
  }
}

export async function runRecords(engine: Engine, records: readonly RecordToRun[], options: RunRecordsOptions = {}): Promise<RecordRun[]> {
  const { warmup = 1, repeats = 1, signal } = options;
  if (records.length > 0) for (let i = 0; i < warmup; i++) await untimed(engine, records[0]!, signal);
  const runs: RecordRun[] = [];
  for (const record of records) {
    const results: GenerationResult[] = [];
    let failure: RemoteRequestError | null = null;
    try {
      for (let r = 0; r < repeats; r++) {
        results.push(await engine.decode(record.request, r === 0 ? { signal, onEvent: options.onEvent } : { signal }));
      }
    } catch (error) {
      if (!(error instanceof RemoteRequestError)) throw error;
      failure = error;
      results.length = 0;
    }
    const of = (f: (r: GenerationResult) => number) => (results.length ? median(results.map(f)) : Number.NaN);
    runs.push({
      results,
      failure,
      passed: null,
      checkError: null,
      medianTotalMs: of((r) => r.timings.totalMs),
      medianTtftMs: of((r) => r.timings.ttftMs),
      medianTokensPerSecond: of((r) => r.timings.tokensPerSecond),
      medianForwardMs: results.length ? median(results.flatMap((r) => r.timings.forwardMs)) : Number.NaN,
    });
    options.onProgress?.(runs.length, records.length);
  }
  // One batch for every checked record; a failed request has no answer, so it does not pass.
  const checked = records.flatMap((record, i) => (record.check ? [i] : []));
  const completions = checked.map((i) => {
    const first = runs[i]!.results[0];
    return { ...records[i]!.check!.record, completion: first ? records[i]!.check!.completion(first.text) : undefined };
  });
  const verdicts = checked.length ? await checkCompletions(completions) : [];
  checked.forEach((i, k) => {
    runs[i]!.passed = verdicts[k]!.passed;
    runs[i]!.checkError = verdicts[k]!.error ?? null;
  });
  return runs;
}
