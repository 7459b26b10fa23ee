// Sweeps: every cell of a spec (item × engine × setting × sample × length), each stored as one Run with a
// unique cell key the moment it finishes, so a sweep killed at any point (even with SIGKILL) loses no finished
// run and resumes by running only the missing cells. The CLI (`dlm bench`) and the app call these functions.
import { getExperiment, recoverAbandoned, reopenExperiment, type Experiment } from '../db/experiments.ts';
import { listCellKeys } from '../db/runs.ts';
import { type AnyModel, createAnyEngine, isRemoteModel, loadAnyModel, paradigmOf, remoteHostsOf, variantOf } from '../engines/any-model.ts';
import type { DecodingSettings, Engine, GenerationResult, ResolvedRequest, SessionSettings } from '../engines/types.ts';
import { assertExecutionProvider, ExecutionProviderError } from '../engines/execution-providers.ts';
import { captureEnvironment } from '../env/environment.ts';
import { findModel } from '../models/discover.ts';
import { dtypeProblem, type OnnxDtype } from '../models/onnx-variants.ts';
import { ExperimentNotFoundError, UserError } from '../user-error.ts';
import { type EvalRecord, mixedSuiteRecords, suiteRecords } from './eval-records.ts';
import { completionFor, promptFor } from './prompt-form.ts';
import { ExperimentStopped, finishAfter, recordExperiment, type RunExtras, storeFailure, storeResult } from './record.ts';
import { type Cell, type EngineKind, expandCells, type ExperimentSpec, parseSpec, SpecError, taskHasLength } from './spec.ts';
import { median } from './stats.ts';
import { type RecordRun, runRecords } from './run-records.ts';
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

/** The engines a spec runs: the pair, and block diffusion when it has that series. */
const specEngines = (spec: ExperimentSpec): EngineKind[] =>
  spec.models.block_diffusion !== undefined ? ['autoregressive', 'diffusion', 'block_diffusion'] : ['autoregressive', 'diffusion'];

function sessionOf(spec: ExperimentSpec): SessionSettings {
  return { executionProvider: spec.executionProvider, intraOpThreads: spec.threads, graphOptimizationLevel: 'all' };
}

/** The request one cell decodes, resolved by its engine (throws SpecError naming the setting). */
function cellRequest(cell: Cell, spec: ExperimentSpec, engine: Engine, prompt: string): ResolvedRequest {
  const settings: Partial<DecodingSettings> = { ...cell.setting.settings, maxNewTokens: cell.length, seed: spec.seed + cell.sample };
  const steps = resolveSteps(cell.setting.steps, cell.length);
  if (steps !== undefined) settings.steps = steps;
  if (cell.latencyOnly) settings.minNewTokens = cell.length;
  try {
    return engine.resolve({ prompt, settings });
  } catch (error) {
    throw new SpecError(`${cell.engine} setting "${cell.setting.label}" at length ${cell.length}`, (error as Error).message);
  }
}

export interface Prepared {
  models: Partial<Record<EngineKind, AnyModel>>; // block_diffusion only when the spec has that series; AR and diffusion may be remote
  engines: Partial<Record<EngineKind, Engine>>;
  records: Map<string, EvalRecord[]>; // `${task}|${length}` → items
  requests: Map<string, ResolvedRequest>; // cell key → its request, resolved once here for the warm-up and every repeat
}

/** One side's model, in the spec's dtype for it (a dtype its folder lacks is a SpecError naming dtype.<side>). */
async function loadSide(spec: ExperimentSpec, kind: EngineKind, session: SessionSettings): Promise<AnyModel> {
  const dtype = spec.dtype[kind];
  if (dtype === undefined) return loadAnyModel(spec.models[kind]!, session);
  const info = await findModel(spec.models[kind]!);
  const problem = dtypeProblem(info, dtype);
  if (problem) throw new SpecError(`dtype.${kind}`, problem);
  return loadAnyModel(info, session, dtype);
}

/** Loads the spec's models and engines and resolves every cell's request (checking its settings). */
export async function prepareSweep(spec: ExperimentSpec): Promise<Prepared> {
  const session = sessionOf(spec);
  try {
    assertExecutionProvider(spec.executionProvider); // before any model loads
  } catch (error) {
    if (error instanceof ExecutionProviderError) throw new SpecError('executionProvider', error.message);
    throw error;
  }
  const models: Prepared['models'] = {};
  for (const kind of specEngines(spec)) {
    const model = await loadSide(spec, kind, session);
    // A remote model stands on the side of its paradigm; a local one must be of the series' own kind.
    const actual = isRemoteModel(model) ? `remote ${paradigmOf(model)}` : model.config.decoding;
    if (isRemoteModel(model) ? paradigmOf(model) !== kind : model.config.decoding !== kind)
      throw new SpecError(`models.${kind}`, `"${model.info.id}" is a ${actual} model`);
    models[kind] = model;
  }
  const records = new Map<string, EvalRecord[]>();
  for (const task of spec.tasks)
    for (const length of spec.lengths.filter((l) => taskHasLength(task, l, spec.itemLengths)))
      records.set(
        `${task}|${length}`,
        spec.itemLengths === 'mixed'
          ? mixedSuiteRecords(task, length, spec.itemsPerLength, spec.seed)
          : suiteRecords(task, [length], spec.itemsPerLength, spec.seed),
      );
  const engines = Object.fromEntries(Object.entries(models).map(([kind, model]) => [kind, createAnyEngine(model)]));
  const prepared: Prepared = { models, engines, records, requests: new Map() };
  // Every cell is resolved before anything runs, so a bad grid fails at once, not an hour in.
  for (const cell of expandCells(spec)) {
    const prompt = promptFor(models[cell.engine]!, recordOf(prepared, cell));
    prepared.requests.set(cell.key, cellRequest(cell, spec, engines[cell.engine]!, prompt));
  }
  return prepared;
}

/** One untimed run; a remote one that fails is no result (the timed request then retries and records what happens). */
const recordOf = (p: Prepared, cell: Cell) => p.records.get(`${cell.task}|${cell.length}`)![cell.item]!;

export interface CellContext {
  signal?: AbortSignal; // passed to the decode: an abort stops it within one forward
  stopStatus?: 'cancelled' | 'interrupted';
  acquire?: SweepOptions['acquire'];
  warmed: Set<string>; // engine|setting|length combinations already warmed up in this process
  stamp?: Pick<RunExtras, 'worker' | 'workerEnv'>; // queued sweeps: who ran the cell, and on what
}

/** Runs one cell and stores its run (the cell runner shared by in-process sweeps and queue workers). */
export async function runCell(experimentId: string, spec: ExperimentSpec, prepared: Prepared, cell: Cell, context: CellContext): Promise<void> {
  const model = prepared.models[cell.engine]!;
  const engine = prepared.engines[cell.engine]!;
  const record = recordOf(prepared, cell);
  const request = prepared.requests.get(cell.key)!;
  const { prompt, settings } = request;
  const warmKey = `${cell.engine}|${cell.setting.label}|${cell.length}`;
  const release = await context.acquire?.(model.info.id);
  let run: RecordRun;
  try {
    [run] = (await runRecords(engine, [{ request, check: { record, completion: (text) => completionFor(model, record, text) } }], {
      warmup: context.warmed.has(warmKey) ? 0 : spec.warmup,
      repeats: spec.repeats,
      signal: context.signal,
    })) as [RecordRun];
    context.warmed.add(warmKey);
  } finally {
    release?.();
  }
  const repeats = run.results;
  // A remote request that failed after its retries is a failed run with its reason, never a failed sweep.
  const failure = run.failure?.message ?? null;
  if (repeats.some((r) => r.stopReason === 'cancelled')) throw new ExperimentStopped(context.stopStatus ?? 'cancelled');
  const stamp = context.stamp ?? {};
  if (failure !== null) {
    await storeFailure(experimentId, model, prompt, settings, failure, {
      taskId: record.task,
      itemId: record.task_id,
      passed: cell.latencyOnly ? null : false, // no answer solves no task
      cellKey: cell.key,
      setting: cell.setting.label,
      sample: cell.sample,
      latencyOnly: cell.latencyOnly,
      ...stamp,
    });
    return;
  }
  // The stored output is the first repeat's (all are identical at temperature 0; with sampling the seed fixes it).
  const first = repeats[0]!;
  const timed: GenerationResult = {
    ...first,
    timings: {
      ...first.timings,
      totalMs: run.medianTotalMs,
      ttftMs: run.medianTtftMs,
    },
  };
  await storeResult(experimentId, model, prompt, timed, {
    taskId: record.task,
    itemId: record.task_id,
    passed: run.passed,
    error: run.checkError,
    cellKey: cell.key,
    setting: cell.setting.label,
    sample: cell.sample,
    latencyOnly: cell.latencyOnly,
    timings: {
      repeats: repeats.map((r) => ({ totalMs: r.timings.totalMs, ttftMs: r.timings.ttftMs })),
      medianForwardMs: run.medianForwardMs,
    },
    ...stamp,
  });
}

async function runCells(experiment: Experiment, spec: ExperimentSpec, prepared: Prepared, options: SweepOptions): Promise<SweepOutcome> {
  const cells = expandCells(spec);
  const stored = await listCellKeys(experiment.id);
  const todo = cells.filter((c) => !stored.has(c.key));
  const started = performance.now();
  const perCellMs: number[] = [];
  const context: CellContext = { signal: options.signal, stopStatus: options.stopStatus, acquire: options.acquire, warmed: new Set() };
  let ran = 0;
  const report = (cell: Cell | null) => {
    const elapsedMs = performance.now() - started;
    const remaining = todo.length - ran;
    options.onProgress?.({
      done: cells.length - remaining,
      total: cells.length,
      ranThisTime: ran,
      elapsedMs,
      etaMs: perCellMs.length ? median(perCellMs) * remaining : null,
      cell,
    });
  };
  report(null);
  for (const cell of todo) {
    if (options.signal?.aborted) throw new ExperimentStopped(options.stopStatus ?? 'cancelled');
    const t0 = performance.now();
    await runCell(experiment.id, spec, prepared, cell, context);
    ran++;
    perCellMs.push(performance.now() - t0);
    report(cell);
  }
  return { experiment, ran, skipped: cells.length - todo.length };
}

export type SweepConfig = { spec: unknown; models: Partial<Record<EngineKind, { id: string; sha256: string; dtype?: OnnxDtype }>> };

/** What a sweep experiment stores: the spec as given, resolved, and its models' hashes (checked on resume). */
export function sweepRecordOf(raw: unknown, spec: ExperimentSpec, prepared: Prepared) {
  const environment = captureEnvironment({
    executionProvider: spec.executionProvider,
    threads: spec.threads,
    remoteHosts: remoteHostsOf(Object.values(prepared.models)),
  });
  const config = {
    spec: raw, // as given, so `--resume` parses it back the same way
    resolved: spec,
    models: Object.fromEntries(
      specEngines(spec).map((k) => {
        const model = prepared.models[k]!;
        return [k, { id: model.info.id, sha256: model.info.sha256, ...variantOf(model) }]; // sha256: the variant's own file
      }),
    ),
  };
  return { environment, config };
}

/** Throws when a model's hash differs from the one the sweep was started with (its runs would not compare). */
export function assertModelsUnchanged(config: SweepConfig, spec: ExperimentSpec, prepared: Prepared): void {
  for (const kind of specEngines(spec)) {
    if (prepared.models[kind]!.info.sha256 !== config.models[kind]?.sha256) {
      throw new UserError(
        `model "${config.models[kind]?.id ?? spec.models[kind]}" changed since the sweep started (SHA-256 of its ONNX file, or of a remote model's config.json, differs): start a new sweep instead`,
      );
    }
  }
}

/** Validates `raw`, creates a sweep experiment and runs every cell. */
export async function startSweep(raw: unknown, options: SweepOptions = {}): Promise<SweepOutcome> {
  const spec = parseSpec(raw);
  const prepared = await prepareSweep(spec);
  const { environment, config } = sweepRecordOf(raw, spec, prepared);
  const { value } = await recordExperiment({ title: spec.title, kind: 'sweep', config, environment }, async (experiment) => {
    options.onExperiment?.(experiment);
    return runCells(experiment, spec, prepared, options);
  });
  return value;
}

/** Resuming a sweep that a live process is still running (it would run the same cells twice). */
export class SweepRunningError extends UserError {
  constructor(readonly experimentId: string) {
    super(`experiment ${experimentId} is still running in another process: wait for it, or stop that process first`);
  }
}

/** Runs the cells of a stored sweep that have no run yet; refuses if the models changed since. */
export async function resumeSweep(idOrSlug: string, options: SweepOptions = {}): Promise<SweepOutcome> {
  let found = await getExperiment(idOrSlug);
  if (found?.status === 'running' && (await recoverAbandoned()).length > 0) found = await getExperiment(idOrSlug); // died since this process opened the database
  if (!found) throw new ExperimentNotFoundError(idOrSlug);
  if (found.kind !== 'sweep') throw new UserError(`experiment ${found.id} is a ${found.kind}, not a sweep: only sweeps can be resumed`);
  if (found.status === 'running') throw new SweepRunningError(found.id);
  const config = found.config as SweepConfig;
  const spec = parseSpec(config.spec);
  const prepared = await prepareSweep(spec);
  assertModelsUnchanged(config, spec, prepared);
  const experiment = await reopenExperiment(found.id); // atomic: two resumes at once cannot both run its cells
  if (!experiment) throw new SweepRunningError(found.id);
  options.onExperiment?.(experiment);
  return finishAfter(experiment, (e) => runCells(e, spec, prepared, options));
}

// Declared in sweep-size.ts (the experiment page needs it without loading the engines); claims import it from here.
export { sweepCellTotal } from './sweep-size.ts';
