// Recording experiments: the one place the CLI and the app create an experiment, store its runs and end it
// with the status that says what happened (finished, failed when it threw, cancelled or interrupted when
// stopped), so no command writes these steps itself.
import { createExperiment, type Experiment, type ExperimentKind, finishExperiment } from '../db/experiments.ts';
import { recordRun, type Run } from '../db/runs.ts';
import type { LoadedModel } from '../engines/loaded-model.ts';
import type { GenerationResult } from '../engines/types.ts';
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
}

/** Saves a decoding result as a Run of an experiment, with everything needed to reproduce it. */
export async function storeResult(experimentId: string, model: LoadedModel, prompt: string, result: GenerationResult, extra: RunExtras = {}): Promise<Run> {
  return recordRun({
    experimentId,
    engine: model.config.decoding,
    modelId: model.info.id,
    modelSha256: model.info.sha256!,
    prompt,
    requestedLength: result.settings.maxNewTokens,
    settings: { ...result.settings, session: model.sessionSettings, stopReason: result.stopReason },
    outputText: result.text,
    generatedTokens: result.timings.generatedTokens,
    ttftMs: result.timings.ttftMs,
    totalMs: result.timings.totalMs,
    forwardPasses: result.timings.forwardPasses,
    ...extra,
  });
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
