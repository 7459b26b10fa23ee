// Queries on runs (one decoding of one prompt by one engine): one exported function per query.
import { randomUUID } from 'node:crypto';
import { getDatabase } from './client.ts';

export type EngineKind = 'autoregressive' | 'diffusion';

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
}

export interface Run extends Required<Omit<RunInput, 'settings'>> {
  id: string;
  settings: unknown;
  createdAt: Date;
}

export async function recordRun(input: RunInput): Promise<Run> {
  const { prisma } = await getDatabase();
  const row = await prisma.run.create({
    data: {
      ...input,
      id: randomUUID(),
      taskId: input.taskId ?? null,
      itemId: input.itemId ?? null,
      ttftMs: input.ttftMs ?? null,
      passed: input.passed ?? null,
      error: input.error ?? null,
      settings: JSON.stringify(input.settings),
    },
  });
  return { ...row, engine: row.engine as EngineKind, settings: JSON.parse(row.settings) as unknown };
}

export async function listRunsOfExperiment(experimentId: string): Promise<Run[]> {
  const { prisma } = await getDatabase();
  const rows = await prisma.run.findMany({ where: { experimentId }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({ ...row, engine: row.engine as EngineKind, settings: JSON.parse(row.settings) as unknown }));
}
