// Sweeps: every cell of a spec (item × engine × setting × sample × length), each stored as one Run with a
// unique cell key the moment it finishes, so a sweep killed at any point (even with SIGKILL) loses no finished
// run and resumes by running only the missing cells. The CLI (`dlm bench`) and the app call these functions.
import { getExperiment, reopenExperiment, type Experiment } from '../db/experiments.ts';
import { listCellKeys } from '../db/runs.ts';
import { createEngine, loadModel, type LoadedModel } from '../engines/index.ts';
import { resolveSettings } from '../engines/settings.ts';
import type { DecodingSettings, Engine, GenerationResult, SessionSettings } from '../engines/types.ts';
import { captureEnvironment } from '../env/environment.ts';
import { checkCompletions } from '../tasks/check.ts';
import { UserError } from '../user-error.ts';
import { type EvalRecord, suiteRecords } from './eval-records.ts';
import { ExperimentStopped, finishAfter, recordExperiment, storeResult } from './record.ts';
import { type Cell, type EngineKind, expandCells, type ExperimentSpec, parseSpec, SpecError } from './spec.ts';
import { median } from './stats.ts';
import { resolveSteps } from './steps.ts';

export interface SweepProgress {
  done: number; // cells stored, including those found stored on resume
  total: number;
  ranThisTime: number;
  elapsedMs: number;
  etaMs: number | null; // from the median time per cell run so far
  cell: Cell | null;
}

export interface SweepOptions {
  signal?: AbortSignal; // checked between runs
  stopStatus?: 'cancelled' | 'interrupted'; // what an abort records (CLI Ctrl-C: interrupted; app Stop: cancelled)
  onProgress?: (progress: SweepProgress) => void;
  onExperiment?: (experiment: Experiment) => void; // as soon as it exists (the app shows its page at once)
  acquire?: (modelId: string) => Promise<() => void>; // a decode slot per run (the app's serving queue)
}

export interface SweepOutcome {
  experiment: Experiment;
  ran: number; // runs stored by this call
  skipped: number; // cells already stored (resume)
}

function sessionOf(spec: ExperimentSpec): SessionSettings {
  return { executionProvider: spec.executionProvider, intraOpThreads: spec.threads, graphOptimizationLevel: 'all' };
}

/** The settings one cell decodes with; validated against the model (throws SpecError naming the setting). */
function cellSettings(cell: Cell, spec: ExperimentSpec, model: LoadedModel, promptTokens: number): DecodingSettings {
  const settings: Partial<DecodingSettings> = { ...cell.setting.settings, maxNewTokens: cell.length, seed: spec.seed + cell.sample };
  const steps = resolveSteps(cell.setting.steps, cell.length);
  if (steps !== undefined) settings.steps = steps;
  if (cell.latencyOnly) settings.minNewTokens = cell.length;
  try {
    return resolveSettings(model.config.decoding, settings, promptTokens, model.config.contextLength);
  } catch (error) {
    throw new SpecError(`${cell.engine} setting "${cell.setting.label}" at length ${cell.length}`, (error as Error).message);
  }
}

interface Prepared {
  models: Record<EngineKind, LoadedModel>;
  engines: Record<EngineKind, Engine>;
  records: Map<string, EvalRecord[]>; // `${task}|${length}` → items
}

async function prepare(spec: ExperimentSpec): Promise<Prepared> {
  const session = sessionOf(spec);
  const models = {
    autoregressive: await loadModel(spec.models.autoregressive, session),
    diffusion: await loadModel(spec.models.diffusion, session),
  };
  for (const kind of ['autoregressive', 'diffusion'] as const) {
    if (models[kind].config.decoding !== kind) throw new SpecError(`models.${kind}`, `"${models[kind].info.id}" is a ${models[kind].config.decoding} model`);
  }
  const records = new Map<string, EvalRecord[]>();
  for (const task of spec.tasks) for (const length of spec.lengths) records.set(`${task}|${length}`, suiteRecords(task, [length], spec.itemsPerLength, spec.seed));
  const prepared = { models, engines: { autoregressive: createEngine(models.autoregressive), diffusion: createEngine(models.diffusion) }, records };
  // Every cell's settings are checked before anything runs, so a bad grid fails at once, not an hour in.
  for (const cell of expandCells(spec)) {
    const record = recordOf(prepared, cell);
    cellSettings(cell, spec, models[cell.engine], models[cell.engine].tokenizer.encode(record.prompt).length);
  }
  return prepared;
}

const recordOf = (p: Prepared, cell: Cell) => p.records.get(`${cell.task}|${cell.length}`)![cell.item]!;

async function runCells(experiment: Experiment, spec: ExperimentSpec, prepared: Prepared, options: SweepOptions): Promise<SweepOutcome> {
  const cells = expandCells(spec);
  const stored = await listCellKeys(experiment.id);
  const todo = cells.filter((c) => !stored.has(c.key));
  const started = performance.now();
  const perCellMs: number[] = [];
  const warmed = new Set<string>();
  let ran = 0;
  const report = (cell: Cell | null) => {
    const elapsedMs = performance.now() - started;
    const remaining = todo.length - ran;
    options.onProgress?.({ done: cells.length - remaining, total: cells.length, ranThisTime: ran, elapsedMs, etaMs: perCellMs.length ? median(perCellMs) * remaining : null, cell });
  };
  report(null);
  for (const cell of todo) {
    if (options.signal?.aborted) throw new ExperimentStopped(options.stopStatus ?? 'cancelled');
    const t0 = performance.now();
    const model = prepared.models[cell.engine];
    const engine = prepared.engines[cell.engine];
    const record = recordOf(prepared, cell);
    const settings = cellSettings(cell, spec, model, model.tokenizer.encode(record.prompt).length);
    const warmKey = `${cell.engine}|${cell.setting.label}|${cell.length}`;
    const repeats: GenerationResult[] = [];
    const release = await options.acquire?.(model.info.id);
    try {
      if (!warmed.has(warmKey)) {
        for (let i = 0; i < spec.warmup; i++) await engine.generate({ prompt: record.prompt, settings });
        warmed.add(warmKey);
      }
      for (let r = 0; r < spec.repeats; r++) repeats.push(await engine.generate({ prompt: record.prompt, settings }, { signal: options.signal }));
    } finally {
      release?.();
    }
    if (repeats.some((r) => r.stopReason === 'cancelled')) throw new ExperimentStopped(options.stopStatus ?? 'cancelled');
    // The stored output is the first repeat's (all are identical at temperature 0; with sampling the seed fixes it).
    const first = repeats[0]!;
    const [check] = await checkCompletions([{ ...record, completion: first.text }]);
    const timed: GenerationResult = {
      ...first,
      timings: {
        ...first.timings,
        totalMs: median(repeats.map((r) => r.timings.totalMs)),
        ttftMs: median(repeats.map((r) => r.timings.ttftMs)),
      },
    };
    await storeResult(experiment.id, model, record.prompt, timed, {
      taskId: record.task,
      itemId: record.task_id,
      passed: check!.passed,
      error: check!.error ?? null,
      cellKey: cell.key,
      setting: cell.setting.label,
      sample: cell.sample,
      latencyOnly: cell.latencyOnly,
      timings: {
        repeats: repeats.map((r) => ({ totalMs: r.timings.totalMs, ttftMs: r.timings.ttftMs })),
        medianForwardMs: median(repeats.flatMap((r) => r.timings.forwardMs)),
      },
    });
    ran++;
    perCellMs.push(performance.now() - t0);
    report(cell);
  }
  return { experiment, ran, skipped: cells.length - todo.length };
}

/** Validates `raw`, creates a sweep experiment and runs every cell. */
export async function startSweep(raw: unknown, options: SweepOptions = {}): Promise<SweepOutcome> {
  const spec = parseSpec(raw);
  const prepared = await prepare(spec);
  const environment = captureEnvironment({ executionProvider: spec.executionProvider, threads: spec.threads });
  const config = {
    spec: raw, // as given, so `--resume` parses it back the same way
    resolved: spec,
    models: Object.fromEntries((['autoregressive', 'diffusion'] as const).map((k) => [k, { id: prepared.models[k].info.id, sha256: prepared.models[k].info.sha256 }])),
  };
  const { value } = await recordExperiment({ title: spec.title, kind: 'sweep', config, environment }, async (experiment) => {
    options.onExperiment?.(experiment);
    return runCells(experiment, spec, prepared, options);
  });
  return value;
}

/** Runs the cells of a stored sweep that have no run yet; refuses if the models changed since. */
export async function resumeSweep(idOrSlug: string, options: SweepOptions = {}): Promise<SweepOutcome> {
  const found = await getExperiment(idOrSlug);
  if (!found) throw new UserError(`no experiment "${idOrSlug}" (see "dlm list")`);
  if (found.kind !== 'sweep') throw new UserError(`experiment ${found.id} is a ${found.kind}, not a sweep: only sweeps can be resumed`);
  const config = found.config as { spec: unknown; models: Record<EngineKind, { id: string; sha256: string }> };
  const spec = parseSpec(config.spec);
  const prepared = await prepare(spec);
  for (const kind of ['autoregressive', 'diffusion'] as const) {
    if (prepared.models[kind].info.sha256 !== config.models[kind].sha256) {
      throw new UserError(`model "${config.models[kind].id}" changed since the sweep started (ONNX SHA-256 differs): start a new sweep instead`);
    }
  }
  const experiment = await reopenExperiment(found.id);
  options.onExperiment?.(experiment);
  return finishAfter(experiment, (e) => runCells(e, spec, prepared, options));
}
