// The same prompt through an AR and a diffusion model with the same session options, each warmed up and
// timed over repeats; optionally stored as a "compare" experiment. `dlm compare` and the app both call it.
import { createEngine, loadModel, type LoadedModel } from '../engines/index.ts';
import type { DecodingSettings, SessionSettings } from '../engines/types.ts';
import { captureEnvironment, type EnvironmentInfo } from '../env/environment.ts';
import { solvePrompt } from '../tasks/registry.ts';
import { UserError } from '../user-error.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { measureRepeated, type RepeatedMeasurement } from './measure.ts';
import { recordExperiment, storeResult } from './record.ts';

export interface CompareRequest {
  prompt: string;
  length: number;
  repeats: number;
  settings: Partial<DecodingSettings>;
  session: SessionSettings;
  models?: { autoregressive?: string; diffusion?: string };
  store: boolean;
}

export interface CompareSide {
  model: LoadedModel;
  measurement: RepeatedMeasurement;
  correct: boolean | null; // against the task answer when the prompt is in a task's format
}

export interface CompareOutcome {
  sides: [CompareSide, CompareSide]; // AR, then diffusion
  speedup: number; // AR median total ÷ diffusion median total
  expected: { task: string; answer: string } | null;
  environment: EnvironmentInfo;
  experimentSlug: string | null;
}

export async function compare(request: CompareRequest): Promise<CompareOutcome> {
  const { prompt, session, repeats } = request;
  const settings = { ...request.settings, maxNewTokens: request.length };
  const ar = await loadModel(request.models?.autoregressive ?? BUNDLED_AR_MODEL_ID, session);
  const diffusion = await loadModel(request.models?.diffusion ?? BUNDLED_DIFFUSION_MODEL_ID, session);
  if (ar.config.decoding !== 'autoregressive') throw new UserError(`${ar.info.id} is not an autoregressive model`);
  if (diffusion.config.decoding !== 'diffusion') throw new UserError(`${diffusion.info.id} is not a diffusion model`);

  const expected = solvePrompt(prompt); // null for free text and code prompts
  const correct = (text: string) => (expected === null ? null : text === expected.answer);
  const sides: CompareSide[] = [];
  for (const model of [ar, diffusion]) {
    const measurement = await measureRepeated(createEngine(model), { prompt, settings }, { warmup: 1, repeats });
    sides.push({ model, measurement, correct: correct(measurement.results[0]!.text) });
  }
  const environment = captureEnvironment({ executionProvider: session.executionProvider, threads: session.intraOpThreads });
  let experimentSlug: string | null = null;
  if (request.store) {
    const { experiment } = await recordExperiment(
      {
        title: `compare: ${prompt.trim().slice(0, 60)}`,
        kind: 'compare',
        config: { prompt, length: request.length, repeats, warmup: 1, settings, session, models: { autoregressive: ar.info.id, diffusion: diffusion.info.id } },
        environment,
      },
      async (e) => {
        for (const side of sides) for (const result of side.measurement.results) await storeResult(e.id, side.model, prompt, result, { passed: correct(result.text) });
      },
    );
    experimentSlug = experiment.slug;
  }
  const [arSide, diffusionSide] = sides as [CompareSide, CompareSide];
  return { sides: [arSide, diffusionSide], speedup: arSide.measurement.medianTotalMs / diffusionSide.measurement.medianTotalMs, expected, environment, experimentSlug };
}
