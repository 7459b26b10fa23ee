// `dlm import FILE`: stores results measured elsewhere (the prepared GPU run's JSON files) as an experiment.
import { readFile } from 'node:fs/promises';
import { importRuns } from '../harness/import.ts';
import { shareUrl } from '../harness/report.ts';
import { parseArgs, UsageError } from './args.ts';

export const IMPORT_HELP = `Usage: dlm import FILE

Stores a results file in the "dlm-import/1" format (written on a GPU machine by scripts/gpu-run/run.sh: the
engines sweep, or models/train/gpu_bench.py) as an experiment with the environment it was measured in. Pass/fail
is recomputed by the task suite's checkers.`;

export async function importCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['help'] });
  if (args.switches.has('help')) {
    console.log(IMPORT_HELP);
    return 0;
  }
  const [file, extra] = args.positionals;
  if (!file || extra !== undefined) throw new UsageError('give one file: dlm import FILE');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const experiment = await importRuns(value, file);
  console.log(`imported as experiment ${experiment.id}\nshare: ${shareUrl(experiment.slug)}`);
  return 0;
}
