// `dlm export ID --format csv|json`: an experiment's raw runs and aggregates, to stdout or a file.
import { writeFile } from 'node:fs/promises';
import { experimentCost } from '../harness/aggregate.ts';
import { loadReport } from '../harness/report.ts';
import { parseArgs, UsageError } from './args.ts';
import { aggregateRow, runRow, toCsv } from '../harness/export.ts';

export const EXPORT_HELP = `Usage: dlm export ID --format csv|json [--table runs|aggregates] [--out FILE]

JSON: {experiment, runs, aggregates}. CSV: one table, the raw runs (default) or the aggregates.`;

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['format', 'table', 'out'], switches: ['help'] });
  if (args.switches.has('help')) {
    console.log(EXPORT_HELP);
    return 0;
  }
  const [id, extra] = args.positionals;
  if (!id || extra !== undefined) throw new UsageError('give one experiment id (see "dlm list")');
  const format = args.values.get('format');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json${format === undefined ? '' : `, got "${format}"`}`);
  const table = args.values.get('table') ?? 'runs';
  if (table !== 'runs' && table !== 'aggregates') throw new UsageError(`--table must be runs or aggregates, got "${table}"`);
  if (format === 'json' && args.values.has('table')) throw new UsageError('--table applies to --format csv only (JSON has both)');
  const report = await loadReport(id);
  const text =
    format === 'json'
      ? JSON.stringify(
          { experiment: report.experiment, cost: experimentCost(report.runs), runs: report.runs.map(runRow), aggregates: report.aggregates.map(aggregateRow) },
          null,
          2,
        ) + '\n'
      : toCsv(table === 'runs' ? report.runs.map(runRow) : report.aggregates.map(aggregateRow));
  const out = args.values.get('out');
  if (out) await writeFile(out, text);
  else process.stdout.write(text);
  return 0;
}
