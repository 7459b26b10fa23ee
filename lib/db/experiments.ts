// Queries on experiments: one exported function per query.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EnvironmentInfo } from '../env/environment.ts';
import { currentProcess, formatOwner } from '../env/process-identity.ts';
import { getDatabase } from './client.ts';
import { type RecoveredExperiment, recoverAbandonedExperiments, recoverStalledQueuedSweeps } from './recovery.ts';
import { type RunInput, runData } from './runs.ts';

export type ExperimentKind = 'compare' | 'eval' | 'bench' | 'sweep';
// queued: a sweep whose cells wait in the PostgreSQL queue for `dlm worker`s (no one process owns it).
export const EXPERIMENT_STATUSES = ['running', 'queued', 'finished', 'failed', 'cancelled', 'interrupted'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface Experiment {
  id: string;
  slug: string; // share slug: 128 random bits, base64url
  title: string;
  kind: ExperimentKind;
  status: ExperimentStatus;
  createdAt: Date;
  finishedAt: Date | null;
  config: unknown; // the full request, parsed from JSON
  environment: EnvironmentInfo;
}

type ExperimentRow = Omit<Experiment, 'config' | 'environment' | 'kind' | 'status'> & {
  kind: string;
  status: string;
  config: string;
  environment: string;
  owner?: string | null;
};

function fromRow({ owner: _owner, ...row }: ExperimentRow): Experiment {
  // The owner (host, pid) is bookkeeping for crash recovery: never shown, exported or shared.
  return {
    ...row,
    kind: row.kind as ExperimentKind,
    status: row.status as ExperimentStatus,
    config: JSON.parse(row.config) as unknown,
    environment: JSON.parse(row.environment) as EnvironmentInfo,
  };
}

/** 16 random bytes → 22 URL-safe characters: unguessable enough to share a result by link. */
export function newShareSlug(): string {
  return randomBytes(16).toString('base64url');
}

export async function createExperiment(input: {
  title: string;
  kind: ExperimentKind;
  config: unknown;
  environment: EnvironmentInfo;
  queued?: boolean; // its cells go to the queue: status queued, owned by no process
}): Promise<Experiment> {
  const { prisma } = await getDatabase();
  const row = await prisma.experiment.create({
    data: {
      id: randomUUID(),
      slug: newShareSlug(),
      title: input.title,
      kind: input.kind,
      status: input.queued ? 'queued' : 'running',
      owner: input.queued ? null : formatOwner(currentProcess()),
      config: JSON.stringify(input.config),
      environment: JSON.stringify(input.environment),
    },
  });
  return fromRow(row);
}

/**
 * A finished experiment with all its runs, stored in one transaction: a crash at any point leaves either
 * all of it or nothing (the playground's saved pair).
 */
export async function createFinishedExperiment(
  input: { title: string; kind: ExperimentKind; config: unknown; environment: EnvironmentInfo },
  runs: Omit<RunInput, 'experimentId'>[],
): Promise<Experiment> {
  const { prisma } = await getDatabase();
  const id = randomUUID();
  const [row] = await prisma.$transaction([
    prisma.experiment.create({
      data: {
        id,
        slug: newShareSlug(),
        title: input.title,
        kind: input.kind,
        status: 'finished',
        finishedAt: new Date(),
        config: JSON.stringify(input.config),
        environment: JSON.stringify(input.environment),
      },
    }),
    ...runs.map((run) => prisma.run.create({ data: runData({ ...run, experimentId: id }) })),
  ]);
  return fromRow(row);
}

export async function finishExperiment(id: string, status: Exclude<ExperimentStatus, 'running'>): Promise<Experiment> {
  const { prisma } = await getDatabase();
  return fromRow(await prisma.experiment.update({ where: { id }, data: { status, finishedAt: new Date() } }));
}

/** A queued sweep whose last cell was just stored becomes finished (once, whichever worker gets here first). */
export async function finishQueuedExperiment(id: string): Promise<boolean> {
  const { prisma } = await getDatabase();
  const { count } = await prisma.experiment.updateMany({ where: { id, status: 'queued' }, data: { status: 'finished', finishedAt: new Date() } });
  return count === 1;
}

/** A queued sweep cancelled: its waiting cells are dropped by the workers that claim them (false: not queued). */
export async function cancelQueuedExperiment(id: string): Promise<boolean> {
  const { prisma } = await getDatabase();
  const { count } = await prisma.experiment.updateMany({ where: { id, status: 'queued' }, data: { status: 'cancelled', finishedAt: new Date() } });
  return count === 1;
}

/** Back to queued (its missing cells were enqueued again). */
export async function requeueExperiment(id: string): Promise<void> {
  const { prisma } = await getDatabase();
  await prisma.experiment.updateMany({ where: { id, status: { not: 'running' } }, data: { status: 'queued', finishedAt: null, owner: null } });
}

export async function getExperimentBySlug(slug: string): Promise<Experiment | null> {
  const { prisma } = await getDatabase();
  const row = await prisma.experiment.findUnique({ where: { slug } });
  return row ? fromRow(row) : null;
}

export async function listRecentExperiments(limit = 50): Promise<Experiment[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.experiment.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  return rows.map(fromRow);
}

export async function countExperiments(): Promise<number> {
  const { prisma } = await getDatabase();
  return prisma.experiment.count();
}

/** An experiment by id, or by share slug (the CLI accepts either). */
export async function getExperiment(idOrSlug: string): Promise<Experiment | null> {
  const { prisma } = await getDatabase();
  const row = (await prisma.experiment.findUnique({ where: { id: idOrSlug } })) ?? (await prisma.experiment.findUnique({ where: { slug: idOrSlug } }));
  return row ? fromRow(row) : null;
}

/**
 * Back to running (a resumed sweep), owned by this process; the finish time is cleared until it ends again.
 * Only one process can win: null when the experiment is already running (its owner is alive, or it would
 * have been marked interrupted when the database was opened).
 */
export async function reopenExperiment(id: string): Promise<Experiment | null> {
  const { prisma } = await getDatabase();
  const claimed = await prisma.experiment.updateMany({
    where: { id, status: { not: 'running' } },
    data: { status: 'running', finishedAt: null, owner: formatOwner(currentProcess()) },
  });
  if (claimed.count === 0) return null;
  return getExperimentById(id);
}

export interface ExperimentSummary extends Experiment {
  runCount: number;
}

/** Newest first, with each one's number of stored runs. */
export async function listExperiments(options: { limit?: number; kind?: ExperimentKind } = {}): Promise<ExperimentSummary[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.experiment.findMany({
    where: options.kind ? { kind: options.kind } : {},
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 50,
    include: { _count: { select: { runs: true } } },
  });
  return rows.map(({ _count, ...row }) => ({ ...fromRow(row), runCount: _count.runs }));
}

/** By id only: what every route that changes something uses, so a share slug never reaches them. */
export async function getExperimentById(id: string): Promise<Experiment | null> {
  const { prisma } = await getDatabase();
  const row = await prisma.experiment.findUnique({ where: { id } });
  return row ? fromRow(row) : null;
}

/**
 * Marks experiments whose process has died interrupted now (opening the database does it once per process),
 * and on PostgreSQL queued sweeps that have no cell left in the queue.
 */
export async function recoverAbandoned(): Promise<RecoveredExperiment[]> {
  const { prisma, location } = await getDatabase();
  const recovered = await recoverAbandonedExperiments(prisma);
  return location.provider === 'postgresql' ? [...recovered, ...(await recoverStalledQueuedSweeps(prisma))] : recovered;
}

/** Experiments whose title starts with `prefix` (a claim's preset tag), newest first, with their run counts. */
export async function listExperimentsByTitlePrefix(prefix: string, limit = 20): Promise<ExperimentSummary[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.experiment.findMany({
    where: { title: { startsWith: prefix } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    include: { _count: { select: { runs: true } } },
  });
  return rows.map(({ _count, ...row }) => ({ ...fromRow(row), runCount: _count.runs }));
}
