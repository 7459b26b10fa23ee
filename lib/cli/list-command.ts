// `dlm list [--json]`: stored experiments, newest first.
import { EXPERIMENT_STATUSES, listExperiments } from '../db/experiments.ts';
import { intFlag, parseArgs, UsageError } from './args.ts';
import { textTable } from './text-table.ts';

export const LIST_HELP = `Usage: dlm list [--limit N] [--kind compare|eval|sweep] [--json]

Stored experiments, newest first: id, kind, status (${EXPERIMENT_STATUSES.join(', ')}), runs, created, title.`;

const KINDS = ['compare', 'eval', 'bench', 'sweep'] as const;

export async function listCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['limit', 'kind'], switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(LIST_HELP);
    return 0;
  }
  const kind = args.values.get('kind');
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, got "${kind}"`);
  const experiments = await listExperiments({ limit: intFlag(args, 'limit', 50, 1, 10_000), kind: kind as (typeof KINDS)[number] | undefined });
  if (args.switches.has('json')) {
    console.log(
      JSON.stringify(
        experiments.map(({ config: _config, environment: _environment, ...e }) => e),
        null,
        2,
      ),
    );
    return 0;
  }
  if (experiments.length === 0) {
    console.log('no experiments yet: try "dlm bench --tasks copy --lengths 8,16 --items 3"');
    return 0;
  }
  console.log(
    textTable(
      ['id', 'kind', 'status', 'runs', 'created', 'title'],
      experiments.map((e) => [e.id, e.kind, e.status, String(e.runCount), e.createdAt.toISOString().slice(0, 19).replace('T', ' '), e.title]),
    ),
  );
  return 0;
}
