// Queries on runs (one decoding of one prompt by one engine): one exported function per query.
import type { EngineKind } from '../models/discover.ts';
import { randomUUID } from 'node:crypto';
import { getDatabase } from './client.ts';

export type { EngineKind };

export interface RunInput {
  experimentId: string;
  engine: EngineKind;
  modelId: string;
  modelSha256: string; // SHA-256 of the ONNX file that produced this run
  taskId?: string | null; // task family, e.g. "sort"
  itemId?: string | null; // task record id
  prompt: string;
  requestedLength: number; // max new tokens (AR) or canvas length (diffusion)
  settings: unknown; // decoding settings and seed, stored as JSON
  outputText: string;
  generatedTokens: number; // prompt excluded
  ttftMs?: number | null;
  totalMs: number;
  forwardPasses: number; // NFE
  passed?: boolean | null;
  error?: string | null;
  cellKey?: string | null; // sweeps: unique within the experiment
  setting?: string | null; // sweeps: the grid setting's label
  sample?: number; // pass@k sample index
  latencyOnly?: boolean; // exact-length timing: never counted for quality
  timings?: unknown; // every timed repeat, stored as JSON
  remote?: boolean; // measured through a remote API: every figure includes the network
  host?: string | null; // remote: base_url's host
  failure?: string | null; // no answer (a remote request failed after its retries): why; never counted in latency
  promptTokens?: number | null; // remote: prompt tokens from the provider's usage (or counted/estimated)
  tokensEstimated?: boolean; // remote: token counts estimated (no usage, no tokenizer)
  costUsd?: number | null; // remote: usage × price_per_million
  worker?: string | null; // queued sweeps: the worker that ran it
  workerEnv?: unknown; // queued sweeps: the worker's own environment, stored as JSON (null: the experiment's)
}

export interface Run extends Required<Omit<RunInput, 'settings' | 'timings' | 'workerEnv'>> {
  id: string;
  settings: unknown;
  timings: unknown;
  workerEnv: unknown;
  createdAt: Date;
}

type RunRow = Omit<Run, 'engine' | 'settings' | 'timings' | 'workerEnv'> & {
  engine: string;
  settings: string;
  timings: string | null;
  workerEnv: string | null;
};

const fromRow = (row: RunRow): Run => ({
  ...row,
  engine: row.engine as EngineKind,
  settings: JSON.parse(row.settings) as unknown,
  timings: row.timings === null ? null : (JSON.parse(row.timings) as unknown),
  workerEnv: row.workerEnv === null ? null : (JSON.parse(row.workerEnv) as unknown),
});

/** The row written for a run (also used inside the transaction that stores a whole experiment). */
export function runData(input: RunInput) {
  return {
    ...input,
    id: randomUUID(),
    taskId: input.taskId ?? null,
    itemId: input.itemId ?? null,
    ttftMs: input.ttftMs ?? null,
    passed: input.passed ?? null,
    error: input.error ?? null,
    cellKey: input.cellKey ?? null,
    setting: input.setting ?? null,
    sample: input.sample ?? 0,
    latencyOnly: input.latencyOnly ?? false,
    settings: JSON.stringify(input.settings),
    timings: input.timings === undefined ? null : JSON.stringify(input.timings),
    remote: input.remote ?? false,
    host: input.host ?? null,
    failure: input.failure ?? null,
    promptTokens: input.promptTokens ?? null,
    tokensEstimated: input.tokensEstimated ?? false,
    costUsd: input.costUsd ?? null,
    worker: input.worker ?? null,
    workerEnv: input.workerEnv === undefined || input.workerEnv === null ? null : JSON.stringify(input.workerEnv),
  };
}

export async function recordRun(input: RunInput): Promise<Run> {
  const { prisma } = await getDatabase();
  return fromRow(await prisma.run.create({ data: runData(input) }));
}

export async function listRunsOfExperiment(experimentId: string): Promise<Run[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.run.findMany({ where: { experimentId }, orderBy: { createdAt: 'asc' } });
  return rows.map(fromRow);
}

/** The cell keys already stored for an experiment: what a resumed sweep skips. */
export async function listCellKeys(experimentId: string): Promise<Set<string>> {
  const { prisma } = await getDatabase();
  const rows = await prisma.run.findMany({ where: { experimentId, cellKey: { not: null } }, select: { cellKey: true } });
  return new Set(rows.map((r) => r.cellKey!));
}

/** Whether the cell already has its run (a queue worker skips it). */
export async function cellStored(experimentId: string, cellKey: string): Promise<boolean> {
  const { prisma } = await getDatabase();
  return (await prisma.run.count({ where: { experimentId, cellKey } })) > 0;
}

/** How many of an experiment's cells have their run. */
export async function countStoredCells(experimentId: string): Promise<number> {
  const { prisma } = await getDatabase();
  return prisma.run.count({ where: { experimentId, cellKey: { not: null } } });
}

/** A store refused because the cell already has its run (another worker stored it first). */
export const isDuplicateCell = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002';

/**
 * How many of an experiment's runs each worker stored, per environment it stored them with (queued sweeps),
 * the group stored last at the end: the per-worker progress, without reading every run.
 */
export async function countRunsByWorker(experimentId: string): Promise<{ worker: string | null; workerEnv: unknown; runs: number }[]> {
  const { prisma } = await getDatabase();
  const groups = await prisma.run.groupBy({ by: ['worker', 'workerEnv'], where: { experimentId }, _count: { _all: true }, _max: { createdAt: true } });
  return groups
    .sort((a, b) => (a._max.createdAt?.getTime() ?? 0) - (b._max.createdAt?.getTime() ?? 0))
    .map((g) => ({ worker: g.worker, workerEnv: g.workerEnv === null ? null : (JSON.parse(g.workerEnv) as unknown), runs: g._count._all }));
}
