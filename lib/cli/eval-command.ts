// `dlm eval`: pass rate per (task, length) for one model, with latency medians and p95, checked by the task
// suite's checkers (code runs in the sandbox). Stored as an "eval" experiment.
import { captureEnvironment } from '../env/environment.ts';
import { createExperiment, finishExperiment } from '../db/experiments.ts';
import { createEngine, loadModel } from '../engines/index.ts';
import { resolveSettings } from '../engines/settings.ts';
import type { DecodingSettings, GenerationResult } from '../engines/types.ts';
import { type EvalRecord, fileRecords, outputLengthFor, suiteRecords } from '../harness/eval-records.ts';
import { median, p95 } from '../harness/stats.ts';
import { storeResult } from '../harness/store.ts';
import { checkCompletions } from '../tasks/check.ts';
import { intFlag, intListFlag, parseArgs, UsageError } from './args.ts';
import { DECODING_HELP, DECODING_VALUE_FLAGS, hardwareLabel, readDecodingSettings, readSessionSettings, readStepsSpec, resolveSteps, SESSION_VALUE_FLAGS } from './decoding-flags.ts';

export const EVAL_HELP = `Usage: dlm eval --model ID (--task NAME [--lengths 8,32,64] [--n N] [--seed S] | --file FILE.jsonl) [options] [--json]

Decodes held-out task records (the eval split) or a JSONL file (task-suite or HumanEval format) and reports
pass rate, median and p95 latency per (task, length). Output length per record: the task's answer budget
(copy/reverse/sort/code: length, add: length+1), unless --max-tokens is given. One warm-up run first.
  --no-store         do not save the runs in the database
${DECODING_HELP}`;

interface Cell {
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

function progressReporter(total: number) {
  const started = performance.now();
  let lastPrint = 0;
  return (done: number, passedSoFar: number | null) => {
    const now = performance.now();
    if (now - started < 1000 || (now - lastPrint < 1000 && done < total)) return; // only for long runs
    lastPrint = now;
    process.stderr.write(`\reval: ${done}/${total} items decoded${passedSoFar === null ? '' : `, ${passedSoFar} passed`} (${((now - started) / 1000).toFixed(0)} s)`);
    if (done === total) process.stderr.write('\n');
  };
}

export async function evalCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['model', 'task', 'lengths', 'n', 'file', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS], switches: ['json', 'no-store', 'help'] });
  if (args.switches.has('help')) {
    console.log(EVAL_HELP);
    return 0;
  }
  const modelId = args.values.get('model');
  if (!modelId) throw new UsageError('--model is required (see "dlm models")');
  const task = args.values.get('task');
  const file = args.values.get('file');
  if ((task === undefined) === (file === undefined)) throw new UsageError('give exactly one of --task NAME or --file FILE.jsonl');
  const records: EvalRecord[] = task
    ? suiteRecords(task, intListFlag(args, 'lengths') ?? [8, 32, 64], intFlag(args, 'n', 20, 1, 100000), intFlag(args, 'seed', 0, 0, 999_999_999))
    : await fileRecords(file!);

  const session = readSessionSettings(args);
  const given = readDecodingSettings(args);
  const stepsSpec = readStepsSpec(args);
  const model = await loadModel(modelId, session);
  const engine = createEngine(model);
  const countTokens = (text: string) => model.tokenizer.encode(text).length;

  // Resolve (and so validate) every record's settings before decoding anything.
  const plans = records.map((record) => {
    const maxNewTokens = given.maxNewTokens ?? outputLengthFor(record, countTokens);
    const settings: Partial<DecodingSettings> = { ...given, maxNewTokens };
    const steps = resolveSteps(stepsSpec, maxNewTokens);
    if (steps !== undefined) settings.steps = steps;
    resolveSettings(model.config.decoding, settings, countTokens(record.prompt), model.config.contextLength);
    return { record, settings };
  });

  const environment = captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads });
  await engine.generate({ prompt: plans[0]!.record.prompt, settings: plans[0]!.settings }); // warm-up, untimed

  const results: GenerationResult[] = [];
  const progress = progressReporter(plans.length);
  for (const plan of plans) {
    results.push(await engine.generate({ prompt: plan.record.prompt, settings: plan.settings }));
    progress(results.length, null);
  }
  const checks = await checkCompletions(records.map((r, i) => ({ ...r, completion: results[i]!.text })));

  let slug: string | null = null;
  if (!args.switches.has('no-store')) {
    const experiment = await createExperiment({
      title: `eval ${model.info.id}: ${task ?? file}`,
      kind: 'eval',
      config: { model: model.info.id, modelSha256: model.info.sha256, task: task ?? null, file: file ?? null, settings: given, steps: stepsSpec ?? null, session, items: records.length },
      environment,
    });
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      await storeResult(experiment.id, model, r.prompt, results[i]!, { taskId: r.task, itemId: r.task_id, passed: checks[i]!.passed, error: checks[i]!.error ?? null });
    }
    await finishExperiment(experiment.id, 'finished');
    slug = experiment.slug;
  }

  const groups = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = `${r.task}|${r.length ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const cells: Cell[] = [...groups.values()].map((indexes) => {
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

  const label = hardwareLabel(session);
  if (args.switches.has('json')) {
    console.log(JSON.stringify({ model: model.info.id, modelSha256: model.info.sha256, engine: model.config.decoding, hardware: label, environment, settings: given, steps: stepsSpec ?? null, experimentSlug: slug, cells }, null, 2));
    return 0;
  }
  console.log(`${model.config.decoding} ${model.info.id} on ${label} (${environment.cpuModel}, threads ${session.intraOpThreads ?? 'default'})`);
  console.log('task     length   n   pass    median ms   p95 ms   NFE   tok/s');
  for (const c of cells) {
    console.log(
      `${c.task.padEnd(8)} ${String(c.length ?? '-').padStart(6)} ${String(c.n).padStart(3)} ${(c.passRate * 100).toFixed(1).padStart(5)}%` +
        ` ${c.medianTotalMs.toFixed(1).padStart(11)} ${c.p95TotalMs.toFixed(1).padStart(8)} ${String(c.medianForwardPasses).padStart(5)} ${c.medianTokensPerSecond.toFixed(0).padStart(7)}`,
    );
  }
  if (slug) console.log(`stored as experiment ${slug}`);
  return 0;
}
