// Queries on queue workers (`dlm worker`): each registers itself, beats a heartbeat, says which cell it runs
// and counts the cells it stored, so `dlm workers` can list them from any machine that reaches the database.
import { getDatabase } from './client.ts';

export interface WorkerRecord {
  name: string;
  host: string;
  pid: number;
  environment: unknown;
  startedAt: Date;
  seenAt: Date;
  stoppedAt: Date | null;
  experimentId: string | null;
  cellKey: string | null;
  done: number;
}

/** Registers (or re-registers, after a restart under the same --name) a worker. */
export async function registerWorker(input: { name: string; host: string; pid: number; environment: unknown }): Promise<void> {
  const { prisma } = await getDatabase();
  const now = new Date();
  const data = {
    host: input.host,
    pid: input.pid,
    environment: JSON.stringify(input.environment),
    startedAt: now,
    seenAt: now,
    stoppedAt: null,
    experimentId: null,
    cellKey: null,
  };
  await prisma.worker.upsert({ where: { name: input.name }, create: { name: input.name, ...data }, update: data });
}

/** Heartbeat, and the cell it works on now (null between cells). */
export async function workerSeen(name: string, cell?: { experimentId: string; cellKey: string } | null): Promise<void> {
  const { prisma } = await getDatabase();
  await prisma.worker.update({
    where: { name },
    data: { seenAt: new Date(), ...(cell === undefined ? {} : { experimentId: cell?.experimentId ?? null, cellKey: cell?.cellKey ?? null }) },
  });
}

export async function workerStoredCell(name: string): Promise<void> {
  const { prisma } = await getDatabase();
  await prisma.worker.update({ where: { name }, data: { done: { increment: 1 }, seenAt: new Date(), experimentId: null, cellKey: null } });
}

export async function workerStopped(name: string): Promise<void> {
  const { prisma } = await getDatabase();
  await prisma.worker.update({ where: { name }, data: { stoppedAt: new Date(), experimentId: null, cellKey: null } });
}

export async function listWorkers(): Promise<WorkerRecord[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.worker.findMany({ orderBy: { startedAt: 'desc' } });
  return rows.map((row) => ({ ...row, environment: JSON.parse(row.environment) as unknown }));
}

/** Alive: not stopped, and seen within `staleMs` (a worker killed with SIGKILL stops beating). */
export const workerAlive = (w: Pick<WorkerRecord, 'stoppedAt' | 'seenAt'>, now: Date, staleMs: number) =>
  w.stoppedAt === null && now.getTime() - w.seenAt.getTime() <= staleMs;
