// `dlm show ID [--json]`: one experiment's header, settings and statistics (computed from its runs).
import { loadReport, shareUrl } from '../harness/report.ts';
import { parseArgs, UsageError } from './args.ts';
import { aggregateRow } from '../harness/export.ts';
import { costLine, experimentHeader, summaryTable } from './experiment-report.ts';

export const SHOW_HELP = `Usage: dlm show ID [--json]

An experiment (by id or share slug): where it ran, its status, and per engine × setting × task × length the
latency median/p95/IQR, ttft, tokens/s, NFE, pass rate with a Wilson 95% interval and the paired speedup.`;

export async function showCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(SHOW_HELP);
    return 0;
  }
  const [id, extra] = args.positionals;
  if (!id || extra !== undefined) throw new UsageError('give one experiment id (see "dlm list")');
  const report = await loadReport(id);
  if (args.switches.has('json')) {
    const { experiment } = report;
    console.log(
      JSON.stringify(
        {
          ...experiment,
          runCount: report.runs.length,
          shareUrl: shareUrl(experiment.slug),
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
  console.log(`\n${summaryTable(report.aggregates)}`);
  const cost = costLine(report.cost);
  if (cost) console.log(cost);
  console.log(`\nshare: ${shareUrl(report.experiment.slug)}`);
  return 0;
}
