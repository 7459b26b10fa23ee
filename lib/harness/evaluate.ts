// Decodes task records with one engine and scores them: the core of `dlm eval` and the model-card numbers.
import { type AnyModel, createAnyEngine } from '../engines/any-model.ts';
import { estimateTokens } from '../engines/remote/token-count.ts';
import type { DecodingSettings, Engine, GenerationResult } from '../engines/types.ts';
import type { CheckResult } from '../tasks/types.ts';
import { type StepsSpec, resolveSteps } from './steps.ts';
import { type EvalRecord, outputLengthFor } from './eval-records.ts';
import { completionFor, promptFor } from './prompt-form.ts';
import { runRecords } from './run-records.ts';
import { median, p95 } from './stats.ts';

export interface EvalCell {
  task: string;
  length: number | null;
  n: number;
  passed: number;
  passRate: number;
  medianTotalMs: number;
  p95TotalMs: number;
  medianTtftMs: number;
  medianForwardPasses: number;
  medianTokensPerSecond: number;
  failures: number; // remote requests that failed after their retries: not passed, not in the latencies
}

export interface Evaluation {
  results: (GenerationResult | null)[]; // one per record, same order; null when a remote request failed
  failures: (string | null)[]; // why a record has no result
  prompts: string[]; // what each record was sent (a chat model gets the task's instruction form)
  settings: DecodingSettings[]; // what each record was decoded with
  checks: CheckResult[];
  cells: EvalCell[]; // one per (task, length), in first-seen order
}

/** Picks a record's output length; the default is the task's answer budget (see outputLengthFor). */
export type OutputLengthRule = (record: EvalRecord, countTokens: (text: string) => number) => number;

/** Each record's request, resolved once by `engine`: the given settings, its output budget, and steps against that budget. */
export function planRecords(
  model: AnyModel,
  engine: Engine,
  records: readonly EvalRecord[],
  given: Partial<DecodingSettings>,
  steps?: StepsSpec,
  outputLength: OutputLengthRule = outputLengthFor,
) {
  const { tokenizer } = model; // a remote folder may have none: then lengths of foreign records are estimated
  const countTokens = (text: string) => (tokenizer ? tokenizer.encode(text).length : estimateTokens(text));
  return records.map((record) => {
    const maxNewTokens = given.maxNewTokens ?? outputLength(record, countTokens);
    const settings: Partial<DecodingSettings> = { ...given, maxNewTokens };
    const resolvedSteps = resolveSteps(steps, maxNewTokens);
    if (resolvedSteps !== undefined) settings.steps = resolvedSteps;
    return { record, request: engine.resolve({ prompt: promptFor(model, record), settings }) }; // throws on bad settings
  });
}

export function summarise(records: readonly EvalRecord[], results: readonly (GenerationResult | null)[], checks: readonly CheckResult[]): EvalCell[] {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = `${r.task}|${r.length ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()].map((indexes) => {
    const first = records[indexes[0]!]!;
    const passed = indexes.filter((i) => checks[i]!.passed).length;
    const answered = indexes.filter((i) => results[i] !== null);
    const pick = (f: (r: GenerationResult) => number) => answered.map((i) => f(results[i]!));
    return {
      task: first.task,
      length: first.length,
      n: indexes.length,
      passed,
      passRate: passed / indexes.length,
      medianTotalMs: median(pick((r) => r.timings.totalMs)),
      p95TotalMs: p95(pick((r) => r.timings.totalMs)),
      medianTtftMs: median(pick((r) => r.timings.ttftMs)),
      medianForwardPasses: median(pick((r) => r.timings.forwardPasses)),
      medianTokensPerSecond: median(pick((r) => r.timings.tokensPerSecond)),
      failures: indexes.length - answered.length,
    };
  });
}

export interface EvaluateOptions {
  steps?: StepsSpec; // diffusion steps, possibly relative to each record's output length
  onProgress?: (done: number, total: number) => void;
  outputLength?: OutputLengthRule; // default: the task's answer budget
}

/** Warms up once, decodes every record in order, then checks them all (code in one sandbox batch). */
export async function evaluateRecords(
  model: AnyModel,
  records: readonly EvalRecord[],
  given: Partial<DecodingSettings>,
  { steps, onProgress, outputLength }: EvaluateOptions = {},
): Promise<Evaluation> {
  const engine = createAnyEngine(model);
  const plans = planRecords(model, engine, records, given, steps, outputLength);
  const runs = await runRecords(
    engine,
    plans.map((plan, i) => ({
      request: plan.request,
      check: { record: records[i]!, completion: (text: string) => completionFor(model, records[i]!, text) },
    })),
    { warmup: 1, repeats: 1, onProgress },
  );
  // A remote request that failed after its retries fails that item, with its reason, not the evaluation.
  const results = runs.map((run) => run.results[0] ?? null);
  const failures = runs.map((run) => run.failure?.message ?? null);
  const checks: CheckResult[] = runs.map((run, i) => ({
    task_id: records[i]!.task_id,
    passed: run.passed === true,
    ...(run.checkError ? { error: run.checkError } : {}),
  }));
  return {
    results,
    failures,
    prompts: plans.map((p) => p.request.prompt),
    settings: plans.map((p) => p.request.settings),
    checks,
    cells: summarise(records, results, checks),
  };
}
