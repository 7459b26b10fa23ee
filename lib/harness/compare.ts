// The same prompt through two or more models (default: the bundled AR and diffusion pair) with the same session
// options, each warmed up and timed over repeats; optionally stored as a "compare" experiment. Any model may be
// remote: a chat model gets a task prompt as an instruction, and its figures are labelled "remote, network
// included". `dlm compare` and the app both call it.
import { type AnyModel, createAnyEngine, loadAnyModel, paradigmOf, remoteHostsOf, sharedSettingsOnly } from '../engines/any-model.ts';
import { RemoteRequestError } from '../engines/remote/errors.ts';
import type { DecodingSettings, ResolvedRequest, SessionSettings } from '../engines/types.ts';
import { captureEnvironment, type EnvironmentInfo } from '../env/environment.ts';
import { solvePrompt } from '../tasks/registry.ts';
import { UserError } from '../user-error.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { measureRepeated, type RepeatedMeasurement } from './measure.ts';
import { completionFor, promptFor } from './prompt-form.ts';
import { recordExperiment, storeFailure, storeResult } from './record.ts';

export const COMPARE_MAX_MODELS = 4;

export interface CompareRequest {
  prompt: string;
  length: number;
  repeats: number;
  settings: Partial<DecodingSettings>;
  session: SessionSettings;
  models?: string[]; // model ids, 2..COMPARE_MAX_MODELS; default: the bundled AR and diffusion pair
  store: boolean;
}

export interface CompareSide {
  model: AnyModel;
  prompt: string; // what this model was sent (a chat model gets a task prompt as an instruction)
  settings: Partial<DecodingSettings>; // what this model was asked for (remote models: no diffusion-only settings)
  request: ResolvedRequest; // resolved once by its engine: what every repeat decoded (and a failed side stores)
  measurement: RepeatedMeasurement | null; // null when a remote request failed after its retries
  failure: string | null;
  correct: boolean | null; // against the task answer when the prompt is in a task's format
}

export interface CompareOutcome {
  sides: CompareSide[]; // in the order the models were given
  speedup: number | null; // first AR side's median total ÷ first diffusion side's; null without both
  expected: { task: string; answer: string } | null;
  environment: EnvironmentInfo;
  experimentSlug: string | null;
}

export async function compare(request: CompareRequest): Promise<CompareOutcome> {
  const { session, repeats } = request;
  const ids = request.models ?? [BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID];
  if (ids.length < 2 || ids.length > COMPARE_MAX_MODELS) throw new UserError(`compare needs 2 to ${COMPARE_MAX_MODELS} models, got ${ids.length}`);
  if (new Set(ids).size !== ids.length) throw new UserError('compare lists a model twice');
  const models: AnyModel[] = [];
  for (const id of ids) models.push(await loadAnyModel(id, session));

  const expected = solvePrompt(request.prompt); // null for free text and code prompts
  const sides: CompareSide[] = [];
  for (const model of models) {
    const prompt = expected ? promptFor(model, { task: expected.task, prompt: request.prompt }) : request.prompt;
    const settings = { ...sharedSettingsOnly(model, request.settings), maxNewTokens: request.length };
    const correct = (text: string) => (expected === null ? null : completionFor(model, expected, text) === expected.answer);
    const engine = createAnyEngine(model);
    const resolved = engine.resolve({ prompt, settings });
    try {
      const measurement = await measureRepeated(engine, resolved, { warmup: 1, repeats });
      sides.push({ model, prompt, settings, request: resolved, measurement, failure: null, correct: correct(measurement.results[0]!.text) });
    } catch (error) {
      // One unreachable provider does not lose the others' measurements: its side is a failed run with the reason.
      if (!(error instanceof RemoteRequestError)) throw error;
      sides.push({ model, prompt, settings, request: resolved, measurement: null, failure: error.message, correct: expected ? false : null });
    }
  }
  const environment = captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads, remoteHosts: remoteHostsOf(models) });
  let experimentSlug: string | null = null;
  if (request.store) {
    const { experiment } = await recordExperiment(
      {
        title: `compare: ${request.prompt.trim().slice(0, 60)}`,
        kind: 'compare',
        config: {
          prompt: request.prompt,
          length: request.length,
          repeats,
          warmup: 1,
          settings: request.settings,
          session,
          models: models.map((m) => ({ id: m.info.id, paradigm: paradigmOf(m), sha256: m.info.sha256 })),
        },
        environment,
      },
      async (e) => {
        for (const side of sides) {
          const task = expected ? { taskId: expected.task } : {};
          if (!side.measurement)
            await storeFailure(e.id, side.model, side.prompt, side.request.settings, side.failure!, {
              ...task,
              passed: side.correct,
            });
          else
            for (const result of side.measurement.results)
              await storeResult(e.id, side.model, side.prompt, result, {
                ...task,
                passed: side.correct === null ? null : completionFor(side.model, expected!, result.text) === expected!.answer,
              });
        }
      },
    );
    experimentSlug = experiment.slug;
  }
  const first = (paradigm: 'autoregressive' | 'diffusion') => sides.find((s) => s.measurement && paradigmOf(s.model) === paradigm)?.measurement;
  const ar = first('autoregressive');
  const diffusion = first('diffusion');
  return { sides, speedup: ar && diffusion ? ar.medianTotalMs / diffusion.medianTotalMs : null, expected, environment, experimentSlug };
}
