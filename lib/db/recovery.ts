// Crash recovery: an experiment still marked `running` whose process is gone (killed, crashed, the machine
// restarted) becomes `interrupted`, keeping every run it stored, so it can be resumed. Runs whenever a process
// opens the database (the app at start, the CLI on first use); experiments of live processes are left alone.
// A queued sweep (PostgreSQL) belongs to no process: its cells wait in the queue for whichever worker starts
// next, so having no live worker is no reason to stop it (its page says so instead). It is stuck only when
// none of its cells is waiting or running any more (each given back too often, or enqueueing never finished):
// then it becomes `interrupted` too, and a resume enqueues what is missing.
import type { PrismaClient } from '@prisma/client';
import { ownerAlive } from '../env/process-identity.ts';
import { CELL_QUEUE, pendingJobOf } from './queue-jobs.ts';

export interface RecoveredExperiment {
  id: string;
  title: string;
  kind: string;
  runs: number; // stored before the process died
  queued?: boolean; // a queued sweep with no job left, rather than a dead process's experiment
}

/** A queued sweep younger than this is never taken for stuck: its cells may still be being enqueued. */
export const QUEUED_GRACE_SECONDS = 600;

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

/**
 * PostgreSQL only: queued sweeps older than `graceSeconds` with no job waiting or running in the cell queue
 * become interrupted, in one statement, so a cell enqueued meanwhile (a resume) keeps its sweep queued.
 */
export async function recoverStalledQueuedSweeps(prisma: PrismaClient, graceSeconds = QUEUED_GRACE_SECONDS): Promise<RecoveredExperiment[]> {
  const [{ queue }] = await prisma.$queryRawUnsafe<[{ queue: boolean }]>(`SELECT to_regclass('pgboss.job') IS NOT NULL AS queue`);
  // Timestamps are stored in UTC without a zone (Prisma's way); the server's clock decides the age.
  const stalled = await prisma.$queryRawUnsafe<{ id: string; title: string; kind: string }[]>(
    `UPDATE "Experiment" e SET status = 'interrupted', "finishedAt" = now() AT TIME ZONE 'UTC'
     WHERE e.status = 'queued' AND e."createdAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => $2::double precision)
       ${queue ? `AND NOT EXISTS (${pendingJobOf('e.id')})` : 'AND $1::text IS NOT NULL'}
     RETURNING e.id, e.title, e.kind`,
    CELL_QUEUE,
    graceSeconds,
  );
  const recovered: RecoveredExperiment[] = [];
  for (const e of stalled) recovered.push({ ...e, runs: await prisma.run.count({ where: { experimentId: e.id } }), queued: true });
  return recovered;
}

/** One line per recovered experiment, saying how to continue it. */
export function describeRecovered(e: RecoveredExperiment): string {
  const runs = `${e.runs} stored run${e.runs === 1 ? '' : 's'}`;
  if (e.queued)
    return `experiment ${e.id} ("${e.title.slice(0, 60)}") was queued but none of its cells is waiting or running any more: marked interrupted with its ${runs}; resume it with "dlm bench --queue --resume ${e.id}" or the Resume button on its page`;
  const how = e.kind === 'sweep' ? `; resume it with "dlm bench --resume ${e.id}" or the Resume button on its page` : '';
  return `experiment ${e.id} ("${e.title.slice(0, 60)}") was left running by a process that is gone: marked interrupted with its ${runs}${how}`;
}
