// Decodes task records with one engine and scores them: the core of `dlm eval` and the model-card numbers.
import type { LoadedModel } from '../engines/loaded-model.ts';
import { createEngine } from '../engines/index.ts';
import { resolveSettings } from '../engines/settings.ts';
import type { DecodingSettings, GenerationResult } from '../engines/types.ts';
import { checkCompletions } from '../tasks/check.ts';
import type { CheckResult } from '../tasks/types.ts';
import { type StepsSpec, resolveSteps } from './steps.ts';
import { type EvalRecord, outputLengthFor } from './eval-records.ts';
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
}

export interface Evaluation {
  results: GenerationResult[]; // one per record, same order
  checks: CheckResult[];
  cells: EvalCell[]; // one per (task, length), in first-seen order
}

/** Picks a record's output length; the default is the task's answer budget (see outputLengthFor). */
export type OutputLengthRule = (record: EvalRecord, countTokens: (text: string) => number) => number;

/** Settings for each record: the given ones, its output budget, and steps resolved against that budget. */
export function planRecords(model: LoadedModel, records: readonly EvalRecord[], given: Partial<DecodingSettings>, steps?: StepsSpec, outputLength: OutputLengthRule = outputLengthFor) {
  const countTokens = (text: string) => model.tokenizer.encode(text).length;
  return records.map((record) => {
    const maxNewTokens = given.maxNewTokens ?? outputLength(record, countTokens);
    const settings: Partial<DecodingSettings> = { ...given, maxNewTokens };
    const resolvedSteps = resolveSteps(steps, maxNewTokens);
    if (resolvedSteps !== undefined) settings.steps = resolvedSteps;
    resolveSettings(model.config.decoding, settings, countTokens(record.prompt), model.config.contextLength); // throws on bad settings
    return { record, settings };
  });
}

export function summarise(records: readonly EvalRecord[], results: readonly GenerationResult[], checks: readonly CheckResult[]): EvalCell[] {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = `${r.task}|${r.length ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()].map((indexes) => {
    const first = records[indexes[0]!]!;
    const passed = indexes.filter((i) => checks[i]!.passed).length;
    const pick = (f: (r: GenerationResult) => number) => indexes.map((i) => f(results[i]!));
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
  model: LoadedModel,
  records: readonly EvalRecord[],
  given: Partial<DecodingSettings>,
  { steps, onProgress, outputLength }: EvaluateOptions = {},
): Promise<Evaluation> {
  const plans = planRecords(model, records, given, steps, outputLength);
  const engine = createEngine(model);
  await engine.generate({ prompt: plans[0]!.record.prompt, settings: plans[0]!.settings }); // warm-up, untimed
  const results: GenerationResult[] = [];
  for (const plan of plans) {
    results.push(await engine.generate({ prompt: plan.record.prompt, settings: plan.settings }));
    onProgress?.(results.length, plans.length);
  }
  const checks = await checkCompletions(records.map((r, i) => ({ ...r, completion: results[i]!.text })));
  return { results, checks, cells: summarise(records, results, checks) };
}
