// Crash recovery: an experiment still marked `running` whose process is gone (killed, crashed, the machine
// restarted) becomes `interrupted`, keeping every run it stored, so it can be resumed. Runs whenever a process
// opens the database (the app at start, the CLI on first use); experiments of live processes are left alone.
import type { PrismaClient } from '@prisma/client';
import { ownerAlive } from '../env/process-identity.ts';

export interface RecoveredExperiment {
  id: string;
  title: string;
  kind: string;
  runs: number; // stored before the process died
}

export async function recoverAbandonedExperiments(prisma: PrismaClient, alive: (owner: string | null) => boolean = ownerAlive): Promise<RecoveredExperiment[]> {
  const running = await prisma.experiment.findMany({
    where: { status: 'running' },
    select: { id: true, title: true, kind: true, owner: true, _count: { select: { runs: true } } },
  });
  const recovered: RecoveredExperiment[] = [];
  for (const e of running) {
    if (alive(e.owner)) continue;
    // Conditional on the same owner, so an experiment resumed meanwhile by another process is never touched.
    const { count } = await prisma.experiment.updateMany({
      where: { id: e.id, status: 'running', owner: e.owner },
      data: { status: 'interrupted', finishedAt: new Date() },
    });
    if (count === 1) recovered.push({ id: e.id, title: e.title, kind: e.kind, runs: e._count.runs });
  }
  return recovered;
}

/** One line per recovered experiment, saying how to continue it. */
export function describeRecovered(e: RecoveredExperiment): string {
  const how = e.kind === 'sweep' ? `; resume it with "dlm bench --resume ${e.id}" or the Resume button on its page` : '';
  return `experiment ${e.id} ("${e.title.slice(0, 60)}") was left running by a process that is gone: marked interrupted with its ${e.runs} stored run${e.runs === 1 ? '' : 's'}${how}`;
}
