// `dlm workers`: the queue workers registered in the database: alive or not, the cell each runs, cells stored.
import { listWorkers, workerAlive } from '../db/workers.ts';
import { DEFAULT_LEASE_SECONDS } from '../harness/queue-defaults.ts';
import { parseArgs, UsageError } from './args.ts';
import { leaseSecondsOf } from './lease-flag.ts';
import { textTable } from './text-table.ts';

export const WORKERS_HELP = `Usage: dlm workers [--json] [--lease-seconds S]

Every "dlm worker" that has used this database, newest first: alive, stopped (cleanly) or gone (not seen
for S seconds, default ${DEFAULT_LEASE_SECONDS}: killed or its machine lost), the cell it runs now (or died in),
and the runs it stored.`;

export async function workersCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['lease-seconds'], switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(WORKERS_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const staleMs = leaseSecondsOf(args) * 1000;
  const now = new Date();
  const workers = (await listWorkers()).map((w) => ({
    name: w.name,
    host: w.host,
    pid: w.pid,
    alive: workerAlive(w, now, staleMs),
    experimentId: w.experimentId,
    cell: w.cellKey,
    done: w.done,
    startedAt: w.startedAt.toISOString(),
    seenAt: w.seenAt.toISOString(),
    stoppedAt: w.stoppedAt?.toISOString() ?? null,
  }));
  if (args.switches.has('json')) {
    console.log(JSON.stringify(workers, null, 2));
    return 0;
  }
  if (workers.length === 0) {
    console.log('no workers yet: start one with "dlm worker"');
    return 0;
  }
  console.log(
    textTable(
      ['name', 'alive', 'cell', 'done', 'last seen'],
      workers.map((w) => [
        w.name,
        w.alive ? 'yes' : w.stoppedAt ? 'stopped' : 'gone',
        w.cell ? `${w.experimentId!.slice(0, 8)} ${w.cell}` : '-',
        String(w.done),
        w.seenAt,
      ]),
    ),
  );
  return 0;
}
