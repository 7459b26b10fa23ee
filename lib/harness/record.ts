// Recording experiments: the one place the CLI and the app create an experiment, store its runs and end it
// with the status that says what happened (finished, failed when it threw, cancelled or interrupted when
// stopped), so no command writes these steps itself.
import { createExperiment, createFinishedExperiment, type Experiment, type ExperimentKind, finishExperiment } from '../db/experiments.ts';
import { recordRun, type Run, type RunInput } from '../db/runs.ts';
import { type AnyModel, engineKindOf, isRemoteModel, variantOf } from '../engines/any-model.ts';
import type { DecodingSettings, GenerationResult } from '../engines/types.ts';
import type { EnvironmentInfo } from '../env/environment.ts';

/** Thrown (or passed to finish) when a user stops an experiment; the status says how. */
export class ExperimentStopped extends Error {
  constructor(readonly status: 'cancelled' | 'interrupted') {
    super(`experiment ${status}`);
  }
}

export interface RunExtras {
  taskId?: string | null;
  itemId?: string | null;
  passed?: boolean | null;
  error?: string | null;
  cellKey?: string | null;
  setting?: string | null;
  sample?: number;
  latencyOnly?: boolean;
  timings?: unknown;
  requestedLength?: number; // the length the run is compared at, when it is not the engine's token cap
  worker?: string | null; // queued sweeps: the worker that ran it
  workerEnv?: unknown; // queued sweeps: the worker's own environment
}

/** A decoding result as a run, with everything needed to reproduce it. */
function runOf(model: AnyModel, prompt: string, result: GenerationResult, extra: RunExtras): Omit<RunInput, 'experimentId'> {
  const remote = result.remote;
  return {
    engine: engineKindOf(model),
    modelId: model.info.id,
    modelSha256: model.info.sha256!, // a remote model's: the SHA-256 of its config.json
    prompt,
    settings: { ...result.settings, ...whereItRan(model), stopReason: result.stopReason },
    ...(remote ? { remote: true, host: remote.host, promptTokens: remote.promptTokens, tokensEstimated: remote.tokensEstimated, costUsd: remote.costUsd } : {}),
    outputText: result.text,
    generatedTokens: result.timings.generatedTokens,
    ttftMs: result.timings.ttftMs,
    totalMs: result.timings.totalMs,
    forwardPasses: result.timings.forwardPasses,
    ...extra,
    requestedLength: extra.requestedLength ?? result.settings.maxNewTokens,
  };
}

/** The session a local model ran with, or the API a remote one was reached through (never its key). */
function whereItRan(model: AnyModel): Record<string, unknown> {
  if (!isRemoteModel(model)) return { session: model.sessionSettings, ...variantOf(model) };
  const { host, model: providerModel, chat } = model.remote;
  return { remote: { host, model: providerModel, chat } };
}

/**
 * Saves a run that produced no answer (a remote request that failed after its retries) with the reason, so a
 * sweep goes on and the failure is shown, never hidden; its latency is never counted.
 */
export async function storeFailure(
  experimentId: string,
  model: AnyModel,
  prompt: string,
  settings: DecodingSettings,
  failure: string,
  extra: RunExtras = {},
): Promise<Run> {
  return recordRun({
    experimentId,
    engine: engineKindOf(model),
    modelId: model.info.id,
    modelSha256: model.info.sha256!,
    prompt,
    settings: { ...settings, ...whereItRan(model), stopReason: 'failed' },
    outputText: '',
    generatedTokens: 0,
    ttftMs: null,
    totalMs: 0,
    forwardPasses: 0,
    ...(isRemoteModel(model) ? { remote: true, host: model.remote.host } : {}),
    failure,
    ...extra,
    requestedLength: extra.requestedLength ?? settings.maxNewTokens,
  });
}

/** Saves a decoding result as a Run of an experiment. */
export async function storeResult(experimentId: string, model: AnyModel, prompt: string, result: GenerationResult, extra: RunExtras = {}): Promise<Run> {
  return recordRun({ experimentId, ...runOf(model, prompt, result, extra) });
}

/** An experiment whose results are all known already, stored with them in one transaction (all or nothing). */
export async function recordFinishedExperiment(
  input: { title: string; kind: ExperimentKind; config: unknown; environment: EnvironmentInfo },
  results: { model: AnyModel; prompt: string; result: GenerationResult; extra?: RunExtras }[],
): Promise<Experiment> {
  return createFinishedExperiment(
    input,
    results.map((r) => runOf(r.model, r.prompt, r.result, r.extra ?? {})),
  );
}

/**
 * Runs `body` inside an experiment and ends it with the status that fits: finished when it returns, the
 * ExperimentStopped status when stopped, failed when it throws (and the error is rethrown).
 */
export async function recordExperiment<T>(
  input: { title: string; kind: ExperimentKind; config: unknown; environment: EnvironmentInfo },
  body: (experiment: Experiment) => Promise<T>,
): Promise<{ experiment: Experiment; value: T }> {
  const experiment = await createExperiment(input);
  return { experiment, value: await finishAfter(experiment, body) };
}

/** Ends an existing experiment after `body` as recordExperiment does (used to resume). */
export async function finishAfter<T>(experiment: Experiment, body: (experiment: Experiment) => Promise<T>): Promise<T> {
  try {
    const value = await body(experiment);
    await finishExperiment(experiment.id, 'finished');
    return value;
  } catch (error) {
    await finishExperiment(experiment.id, error instanceof ExperimentStopped ? error.status : 'failed').catch(() => undefined);
    throw error;
  }
}
