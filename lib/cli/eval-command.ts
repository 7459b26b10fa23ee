// `dlm eval`: pass rate per (task, length) for one model, with latency medians and p95, checked by the task
// suite's checkers (code runs in the sandbox). Stored as an "eval" experiment.
import { captureEnvironment } from '../env/environment.ts';
import { engineKindOf, isRemoteModel, loadAnyModel, remoteHostsOf, remoteLabelOf } from '../engines/any-model.ts';
import { type EvalRecord, fileRecords, suiteRecords } from '../harness/eval-records.ts';
import { evaluateRecords } from '../harness/evaluate.ts';
import { recordExperiment, storeFailure, storeResult } from '../harness/record.ts';
import { intFlag, intListFlag, parseArgs, UsageError } from './args.ts';
import { DTYPE_HELP, readDtypeFlag } from './dtype-flag.ts';
import { DECODING_HELP, DECODING_VALUE_FLAGS, hardwareLabel, readDecodingFlags, readSessionSettings, SESSION_VALUE_FLAGS } from './decoding-flags.ts';

export const EVAL_HELP = `Usage: dlm eval --model ID (--task NAME [--lengths 8,32,64] [--n N] [--seed S] | --file FILE.jsonl) [options] [--json]

Decodes held-out task records (the eval split) or a JSONL file (task-suite or HumanEval format) and reports
pass rate, median and p95 latency per (task, length). Output length per record: the task's answer budget
(copy/reverse/sort/code: length, add: length+1), unless --max-tokens is given. One warm-up run first.
  --no-store         do not save the runs in the database
${DECODING_HELP}
Model:
${DTYPE_HELP}`;

function progressReporter(total: number) {
  const started = performance.now();
  let lastPrint = 0;
  return (done: number) => {
    const now = performance.now();
    if (now - started < 1000 || (now - lastPrint < 1000 && done < total)) return; // only for long runs
    lastPrint = now;
    process.stderr.write(`\reval: ${done}/${total} items decoded (${((now - started) / 1000).toFixed(0)} s)`);
    if (done === total) process.stderr.write('\n');
  };
}

export async function evalCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['model', 'task', 'lengths', 'n', 'file', 'dtype', ...DECODING_VALUE_FLAGS, ...SESSION_VALUE_FLAGS],
    switches: ['json', 'no-store', 'help'],
  });
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
  const { settings: given, steps: stepsSpec } = readDecodingFlags(args);
  const model = await loadAnyModel(modelId, session, readDtypeFlag(args));
  const environment = captureEnvironment({
    executionProvider: session.executionProvider,
    threads: session.intraOpThreads,
    remoteHosts: remoteHostsOf([model]),
  });
  const progress = progressReporter(records.length);
  // evaluateRecords resolves (and so validates) every record's settings before it decodes anything.
  const { results, failures, prompts, settings, checks, cells } = await evaluateRecords(model, records, given, { steps: stepsSpec, onProgress: progress });

  let slug: string | null = null;
  if (!args.switches.has('no-store')) {
    const { experiment } = await recordExperiment(
      {
        title: `eval ${model.info.id}: ${task ?? file}`,
        kind: 'eval',
        config: {
          model: model.info.id,
          modelSha256: model.info.sha256,
          task: task ?? null,
          file: file ?? null,
          settings: given,
          steps: stepsSpec ?? null,
          session,
          items: records.length,
        },
        environment,
      },
      async (e) => {
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const extra = { taskId: r.task, itemId: r.task_id, passed: checks[i]!.passed, error: checks[i]!.error ?? null };
          const result = results[i];
          if (result) await storeResult(e.id, model, prompts[i]!, result, extra);
          else await storeFailure(e.id, model, prompts[i]!, settings[i]!, failures[i]!, { ...extra, error: null });
        }
      },
    );
    slug = experiment.slug;
  }

  const label = remoteLabelOf(model) ?? hardwareLabel(session);
  const engine = engineKindOf(model);
  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        {
          model: model.info.id,
          modelSha256: model.info.sha256,
          engine,
          hardware: label,
          environment,
          settings: given,
          steps: stepsSpec ?? null,
          experimentSlug: slug,
          cells,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(
    isRemoteModel(model)
      ? `remote ${engine} ${model.info.id} on ${label}`
      : `${engine} ${model.info.id} on ${label} (${environment.cpuModel}, threads ${session.intraOpThreads ?? 'default'})`,
  );
  console.log('task     length   n   pass    median ms   p95 ms   NFE   tok/s');
  for (const c of cells) {
    console.log(
      `${c.task.padEnd(8)} ${String(c.length ?? '-').padStart(6)} ${String(c.n).padStart(3)} ${(c.passRate * 100).toFixed(1).padStart(5)}%` +
        ` ${c.medianTotalMs.toFixed(1).padStart(11)} ${c.p95TotalMs.toFixed(1).padStart(8)} ${String(c.medianForwardPasses).padStart(5)} ${c.medianTokensPerSecond.toFixed(0).padStart(7)}`,
    );
  }
  const failed = cells.reduce((n, c) => n + c.failures, 0);
  if (failed > 0)
    console.log(`${failed} items got no answer (remote requests failed after retries; counted as not passed): first: ${failures.find((f) => f !== null)}`);
  if (slug) console.log(`stored as experiment ${slug}`);
  return 0;
}
