// `dlm worker`: claims queued sweep cells from the PostgreSQL database and runs them (lib/harness/sweep-queue.ts).
import { parseArgs, UsageError } from './args.ts';
import { leaseSecondsOf } from './lease-flag.ts';

export const WORKER_HELP = `Usage: dlm worker [--name NAME] [--lease-seconds S] [--until-idle]      (DATABASE_URL=postgresql://…)

Claims the cells of queued sweeps ("dlm bench --queue") one at a time, runs each with this machine's models
and stores its run with this worker's name and environment (host, CPU/GPU, execution provider, versions).
Run any number, on any machine that reaches the database and has the sweep's models (same SHA-256).
  --name NAME         shown in "dlm workers" and stored with each run (default host:pid)
  --lease-seconds S   the worker renews its cell's lease every S/3 seconds; a cell whose worker stays silent
                      for S seconds (killed, machine lost) is run by another worker (default 120)
  --until-idle        exit once no cell is waiting or running
SIGTERM or Ctrl-C: finish the current cell, then exit; a second one stops the cell and gives it back.`;

export async function workerCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['name', 'lease-seconds'], switches: ['until-idle', 'help'] });
  if (args.switches.has('help')) {
    console.log(WORKER_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const { defaultWorkerName, runWorker } = await import('../harness/sweep-queue.ts');
  const name = args.values.get('name') ?? defaultWorkerName();
  if (!/^[\w.:@-]{1,100}$/.test(name)) throw new UsageError('--name must be 1 to 100 letters, digits or . : @ _ -');
  const leaseSeconds = leaseSecondsOf(args);
  const stopAfterCell = new AbortController();
  const abortCell = new AbortController();
  const onSignal = () => {
    if (stopAfterCell.signal.aborted) {
      process.stderr.write(`worker ${name}: stopping the current cell and giving it back\n`);
      abortCell.abort();
      return;
    }
    process.stderr.write(`worker ${name}: finishing the current cell, then exiting (signal again to give it back now)\n`);
    stopAfterCell.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    process.stderr.write(`worker ${name}: waiting for cells (lease ${leaseSeconds}s)\n`);
    const { stored } = await runWorker({
      name,
      leaseSeconds,
      untilIdle: args.switches.has('until-idle'),
      stopAfterCell: stopAfterCell.signal,
      abortCell: abortCell.signal,
      log: (line) => process.stderr.write(`worker ${name}: ${line}\n`),
    });
    process.stderr.write(`worker ${name}: stopped after storing ${stored} run${stored === 1 ? '' : 's'}\n`);
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
