// `dlm bench`: runs a sweep from a spec file or flags (lib/harness/sweep.ts), with a progress bar and ETA on
// stderr; Ctrl-C stops between runs and marks the experiment interrupted; `--resume ID` runs what is missing.
import { readFile } from 'node:fs/promises';
import { EXECUTION_PROVIDERS } from '../engines/types.ts';
import { loadReport, shareUrl } from '../harness/report.ts';
import { ExperimentStopped } from '../harness/record.ts';
import { type SweepOutcome, type SweepProgress, resumeSweep, startSweep } from '../harness/sweep.ts';
import { leaseSecondsOf } from './lease-flag.ts';
import { parseArgs, type ParsedArgs, UsageError } from './args.ts';
import { aggregateRow } from '../harness/export.ts';
import { costLine, experimentHeader, summaryTable } from './experiment-report.ts';

export const BENCH_HELP = `Usage: dlm bench (--spec FILE | --tasks T1,T2 --lengths 8,32 [flags]) [--json]
       dlm bench --resume ID
       dlm bench --queue (--spec FILE | flags) [--lease-seconds S] [--json]    (DATABASE_URL=postgresql://…)
       dlm bench --queue --resume ID

Runs every cell of a sweep (item × engine × decoding setting × sample × length) over the bundled pair (or the
spec's models), storing one run per cell as it finishes. Prints the experiment id, a summary table
(medians, p95, IQR, Wilson 95% intervals, paired speedups with bootstrap 95% intervals) and the share URL.
Ctrl-C stops between runs and marks the experiment interrupted; --resume ID runs only the missing cells.
--queue stores the experiment (status queued), enqueues its cells for "dlm worker" processes on any machine
that reaches the PostgreSQL database, prints its id ({"id": …} with --json) and returns; --queue --resume ID
enqueues again the cells that have neither a run nor a waiting job.

Spec (JSON; only "tasks" and "lengths" are required):
  {"title":"t","tasks":["copy"],"lengths":[8,16],"itemsPerLength":3,
   "diffusion":[{"steps":["L","L/4"]},{"threshold":0.9}],"autoregressive":{"temperature":0},
   "samplesPerItem":1,"seed":0,"executionProvider":"cpu","threads":2,"warmup":1,"repeats":1,
   "latencyOnlyLengths":[256]}
  A grid is an object whose fields are a value or a list (cartesian product), or a list of such objects.
  Diffusion fields: steps (N, "L", "L/4"), blockLength, remasking, threshold, factor, temperature, topK, topP;
  AR fields: temperature, topK, topP. Latency-only lengths time exact-length outputs (AR minNewTokens = L,
  diffusion never commits <eos> before L) and never count for pass rates.
Flags (instead of --spec):
  --title T  --tasks LIST  --lengths LIST  --items N  --steps LIST (e.g. L,L/4)  --threshold LIST  --factor LIST
  --samples N  --seed S  --threads N  --ep ${EXECUTION_PROVIDERS.join('|')}  --warmup N  --repeats N  --latency-only`;

function specFromFlags(args: ParsedArgs): Record<string, unknown> {
  const list = (name: string) =>
    args.values
      .get(name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const numbers = (name: string) => list(name)?.map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));
  const spec: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => value !== undefined && (spec[key] = value);
  put('title', args.values.get('title'));
  put('tasks', list('tasks'));
  put('lengths', numbers('lengths'));
  put('itemsPerLength', numbers('items')?.[0]);
  put('samplesPerItem', numbers('samples')?.[0]);
  put('seed', numbers('seed')?.[0]);
  put('threads', numbers('threads')?.[0]);
  put('executionProvider', args.values.get('ep'));
  put('warmup', numbers('warmup')?.[0]);
  put('repeats', numbers('repeats')?.[0]);
  if (args.switches.has('latency-only')) spec.latencyOnly = true;
  const diffusion: Record<string, unknown>[] = [];
  const steps = numbers('steps');
  if (steps) diffusion.push({ steps });
  const threshold = numbers('threshold');
  if (threshold) diffusion.push({ threshold });
  const factor = numbers('factor');
  if (factor) diffusion.push({ factor });
  if (diffusion.length > 0) spec.diffusion = diffusion;
  return spec;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A progress bar with ETA on stderr: redrawn in place on a terminal, a line every 5 s otherwise. */
export function progressBar() {
  let lastLine = 0;
  return (p: SweepProgress) => {
    const width = 30;
    const filled = Math.round((p.done / Math.max(1, p.total)) * width);
    const eta = p.etaMs === null ? 'ETA …' : `ETA ${formatDuration(p.etaMs)}`;
    const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} runs · ${formatDuration(p.elapsedMs)} · ${eta}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}${p.done === p.total ? '\n' : ''}`);
    else if (p.done === p.total || performance.now() - lastLine > 5_000) {
      lastLine = performance.now();
      process.stderr.write(`${text}\n`);
    }
  };
}

/** The spec as given: the file's JSON, or the flags'. */
async function rawSpec(args: ParsedArgs, specFile: string | undefined): Promise<unknown> {
  if (!specFile) return specFromFlags(args);
  let text: string;
  try {
    text = await readFile(specFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${specFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${specFile} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--queue`: store and enqueue (or enqueue a stored sweep's missing cells again), print the id, return. */
async function queueCommand(args: ParsedArgs, specFile: string | undefined, resume: string | undefined, leaseSeconds: number): Promise<number> {
  const json = args.switches.has('json');
  const { enqueueSweep, requeueSweep } = await import('../harness/sweep-queue.ts'); // pg-boss loads only here
  if (resume) {
    const { experiment, enqueued, pending } = await requeueSweep(resume, leaseSeconds);
    if (json) console.log(JSON.stringify({ id: experiment.id, status: experiment.status, enqueued, pending }));
    else
      console.log(
        `experiment ${experiment.id}: enqueued ${enqueued} missing cell${enqueued === 1 ? '' : 's'} (${pending} still waiting or running); status ${experiment.status}`,
      );
    return 0;
  }
  const experiment = await enqueueSweep(await rawSpec(args, specFile), leaseSeconds);
  if (json) console.log(JSON.stringify({ id: experiment.id }));
  else console.log(`${experiment.id}\nqueued: start workers with "dlm worker" (DATABASE_URL of this database) on any machine with the models`);
  return 0;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'spec',
      'resume',
      'title',
      'tasks',
      'lengths',
      'items',
      'steps',
      'threshold',
      'factor',
      'samples',
      'seed',
      'threads',
      'ep',
      'warmup',
      'repeats',
      'lease-seconds',
    ],
    switches: ['json', 'help', 'latency-only', 'queue'],
  });
  if (args.switches.has('help')) {
    console.log(BENCH_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const specFile = args.values.get('spec');
  const resume = args.values.get('resume');
  const queued = args.switches.has('queue');
  if (!queued && args.values.has('lease-seconds')) throw new UsageError('--lease-seconds applies to --queue only');
  const leaseSeconds = leaseSecondsOf(args);
  const flagged = [...args.values.keys()].filter((k) => k !== 'spec' && k !== 'resume' && k !== 'lease-seconds');
  if (resume && (specFile || flagged.length > 0)) throw new UsageError('--resume takes no spec or other flags: the stored spec is used');
  if (specFile && flagged.length > 0) throw new UsageError(`give either --spec FILE or flags, not both (got --${flagged[0]})`);

  if (queued) return queueCommand(args, specFile, resume, leaseSeconds);

  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop now (every finished run is stored)
    process.stderr.write('\nstopping after the current run (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  let experimentId: string | null = null;
  const options = {
    signal: controller.signal,
    stopStatus: 'interrupted' as const,
    onProgress: progressBar(),
    onExperiment: (e: { id: string }) => (experimentId = e.id),
  };
  let outcome: SweepOutcome;
  try {
    if (resume) outcome = await resumeSweep(resume, options);
    else outcome = await startSweep(await rawSpec(args, specFile), options);
  } catch (error) {
    if (error instanceof ExperimentStopped && experimentId) {
      console.error(`interrupted: experiment ${experimentId} keeps every finished run; continue with "dlm bench --resume ${experimentId}"`);
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }

  const report = await loadReport(outcome.experiment.id);
  const url = shareUrl(report.experiment.slug);
  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        {
          experimentId: report.experiment.id,
          status: report.experiment.status,
          ran: outcome.ran,
          skipped: outcome.skipped,
          shareUrl: url,
          environment: report.experiment.environment,
          cost: report.cost,
          aggregates: report.aggregates.map(aggregateRow),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(experimentHeader(report.experiment, report.runs.length));
  console.log(`  this call ran ${outcome.ran} runs${outcome.skipped ? ` (${outcome.skipped} were already stored)` : ''}\n`);
  console.log(summaryTable(report.aggregates));
  const cost = costLine(report.cost);
  if (cost) console.log(cost);
  console.log(
    `\nspeedup = AR latency ÷ diffusion latency on the same item (median, bootstrap 95% CI); measured on ${report.experiment.environment.executionProvider === 'cpu' ? 'CPU' : 'GPU'}`,
  );
  console.log(`experiment ${report.experiment.id}\nshare: ${url}`);
  return 0;
}
