// Results measured elsewhere (the prepared GPU run: scripts/gpu-run/engines-sweep.ts, models/train/gpu_bench.py)
// stored as an experiment with the environment they were measured in. Pass/fail is recomputed here by the task
// suite's checkers, never trusted from the file; latency-only rows get none.
import { recordRun } from '../db/runs.ts';
import type { EnvironmentInfo } from '../env/environment.ts';
import { checkCompletions } from '../tasks/check.ts';
import { findFamily } from '../tasks/registry.ts';
import { FieldError } from './field-error.ts';
import { recordExperiment } from './record.ts';

export const IMPORT_FORMAT = 'dlm-import/1';

type Json = Record<string, unknown>;

function need<T>(value: unknown, field: string, kind: 'string' | 'number' | 'boolean', optional = false): T {
  if (optional && (value === null || value === undefined)) return null as T;
  if (typeof value !== kind || (kind === 'number' && !Number.isFinite(value as number))) throw new FieldError(field, `must be a ${kind}`);
  return value as T;
}

export interface ImportedRun {
  engine: 'autoregressive' | 'diffusion';
  modelId: string;
  modelSha256: string;
  task: string;
  itemId: string;
  prompt: string;
  answer: string;
  length: number;
  setting: string;
  latencyOnly: boolean;
  settings: Json;
  output: string;
  generatedTokens: number;
  ttftMs: number | null;
  totalMs: number;
  forwardPasses: number;
  timings: unknown;
}

export function parseImport(input: unknown): { title: string; runtime: string; note: string; environment: EnvironmentInfo; runs: ImportedRun[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new FieldError('file', 'must be a JSON object');
  const raw = input as Json;
  if (raw.format !== IMPORT_FORMAT) throw new FieldError('format', `must be "${IMPORT_FORMAT}"`);
  const env = (raw.environment ?? null) as Json | null;
  if (!env || typeof env !== 'object') throw new FieldError('environment', 'is required');
  const environment: EnvironmentInfo = {
    gitSha: need(env.gitSha, 'environment.gitSha', 'string'),
    gitDirty: need(env.gitDirty, 'environment.gitDirty', 'boolean'),
    node: need(env.node, 'environment.node', 'string'),
    onnxruntime: need(env.onnxruntime, 'environment.onnxruntime', 'string'),
    cpuModel: need(env.cpuModel, 'environment.cpuModel', 'string'),
    cpuCores: need(env.cpuCores, 'environment.cpuCores', 'number'),
    gpuModel: need(env.gpuModel, 'environment.gpuModel', 'string', true),
    executionProvider: need(env.executionProvider, 'environment.executionProvider', 'string'),
    threads: need(env.threads, 'environment.threads', 'number', true),
    os: need(env.os, 'environment.os', 'string'),
  };
  if (!Array.isArray(raw.runs) || raw.runs.length === 0) throw new FieldError('runs', 'must be a non-empty list');
  const runs = raw.runs.map((value, i): ImportedRun => {
    const f = (name: string) => `runs[${i}].${name}`;
    if (value === null || typeof value !== 'object') throw new FieldError(`runs[${i}]`, 'must be an object');
    const r = value as Json;
    const engine = r.engine;
    if (engine !== 'autoregressive' && engine !== 'diffusion') throw new FieldError(f('engine'), 'must be autoregressive or diffusion');
    const task = need<string>(r.task, f('task'), 'string');
    if (!findFamily(task)) throw new FieldError(f('task'), `unknown task "${task}"`);
    return {
      engine,
      modelId: need(r.modelId, f('modelId'), 'string'),
      modelSha256: need(r.modelSha256, f('modelSha256'), 'string'),
      task,
      itemId: need(r.itemId, f('itemId'), 'string'),
      prompt: need(r.prompt, f('prompt'), 'string'),
      answer: need(r.answer, f('answer'), 'string'),
      length: need(r.length, f('length'), 'number'),
      setting: need(r.setting, f('setting'), 'string'),
      latencyOnly: need(r.latencyOnly, f('latencyOnly'), 'boolean'),
      settings: (typeof r.settings === 'object' && r.settings !== null ? r.settings : {}) as Json,
      output: need(r.output, f('output'), 'string'),
      generatedTokens: need(r.generatedTokens, f('generatedTokens'), 'number'),
      ttftMs: need(r.ttftMs, f('ttftMs'), 'number', true),
      totalMs: need(r.totalMs, f('totalMs'), 'number'),
      forwardPasses: need(r.forwardPasses, f('forwardPasses'), 'number'),
      timings: r.timings ?? null,
    };
  });
  const title = typeof raw.title === 'string' && raw.title.trim() ? raw.title.trim().slice(0, 200) : 'imported run';
  return { title, runtime: typeof raw.runtime === 'string' ? raw.runtime : 'unknown', note: typeof raw.note === 'string' ? raw.note : '', environment, runs };
}

/** Stores an import file's runs as one experiment; returns it. */
export async function importRuns(input: unknown, source: string) {
  const parsed = parseImport(input);
  const checks = await checkCompletions(parsed.runs.map((r) => ({ task_id: r.itemId, task: r.task as never, answer: r.answer, completion: r.output })));
  const { experiment } = await recordExperiment(
    {
      title: parsed.title,
      kind: 'bench',
      config: { source: 'import', file: source, runtime: parsed.runtime, note: parsed.note },
      environment: parsed.environment,
    },
    async (e) => {
      for (const [i, r] of parsed.runs.entries()) {
        await recordRun({
          experimentId: e.id,
          engine: r.engine,
          modelId: r.modelId,
          modelSha256: r.modelSha256,
          taskId: r.task,
          itemId: r.itemId,
          prompt: r.prompt,
          requestedLength: r.length,
          settings: r.settings,
          outputText: r.output,
          generatedTokens: r.generatedTokens,
          ttftMs: r.ttftMs,
          totalMs: r.totalMs,
          forwardPasses: r.forwardPasses,
          passed: r.latencyOnly ? null : checks[i]!.passed,
          cellKey: `${r.engine}|${r.setting}|${r.task}|${r.length}|${r.itemId}|0`,
          setting: r.setting,
          latencyOnly: r.latencyOnly,
          timings: r.timings,
        });
      }
    },
  );
  return experiment;
}
