// The dashboard's playground: one prompt (typed, or a task item with its expected answer) through the AR and
// the diffusion model, streamed event by event. The engines run one after the other, each in its model's
// decode slot, so neither slows the other's timing; the pair can be stored as a "compare" experiment.
import {
  type AnyModel,
  createAnyEngine,
  isRemoteModel,
  loadAnyModel,
  paradigmOf,
  remoteHostsOf,
  remoteLabelOf,
  sharedSettingsOnly,
  variantOf,
} from '../engines/any-model.ts';
import { type FieldNames, readDecodingFields, resolveSteps } from '../engines/decoding-schema.ts';
import { checkSettingsShape } from '../engines/settings.ts';
import { type CommittedToken, type DecodingSettings, type GenerationResult, type SessionSettings } from '../engines/types.ts';
import { captureEnvironment, hardwareLabel } from '../env/environment.ts';
import { findModel, type ModelInfo } from '../models/discover.ts';
import { dtypeProblem, isOnnxDtype, ONNX_DTYPES, type OnnxDtype } from '../models/onnx-variants.ts';
import { checkCompletions } from '../tasks/check.ts';
import { generateRecord } from '../tasks/generate.ts';
import { missingNewlineHint } from '../tasks/prompt-hint.ts';
import { findFamily, solvePrompt, TASK_NAMES } from '../tasks/registry.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_BLOCK_DIFFUSION_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { type DecodeQueue } from './decode-queue.ts';
import { FieldError } from './field-error.ts';
import { type BlockPanelEvent, parseBlockPanel, runBlockPanel } from './playground-block.ts';
import { completionFor, promptFor } from './prompt-form.ts';
import { recordFinishedExperiment } from './record.ts';

export const PLAYGROUND_LIMITS = { promptChars: 2000, maxLength: 512, threads: 16 } as const;

/** The decoding settings each playground panel sends, by their names in the request (checked by the settings schema). */
const PLAYGROUND_FIELDS = {
  autoregressive: { maxNewTokens: 'maxNewTokens', temperature: 'temperature', topK: 'topK', topP: 'topP' },
  diffusion: {
    maxNewTokens: 'maxNewTokens',
    steps: 'steps',
    blockLength: 'blockLength',
    remasking: 'remasking',
    schedule: 'schedule',
    threshold: 'threshold',
    factor: 'factor',
    cache: 'cache',
    temperature: 'temperature',
  },
} satisfies Record<string, FieldNames>;

export interface PlaygroundRequest {
  prompt: string;
  item: { task: string; length: number; index: number; taskId: string; answer: string; test?: string } | null;
  autoregressive: Partial<DecodingSettings>;
  diffusion: Partial<DecodingSettings>;
  blockDiffusion: Partial<DecodingSettings> | null; // the third panel (block-diffusion model); null = off
  models: Record<'autoregressive' | 'diffusion', string>; // each panel's model: local, or remote of that paradigm
  dtype: Partial<Record<'autoregressive' | 'diffusion', OnnxDtype>>; // a panel's ONNX variant (absent: the folder's own graph)
  session: SessionSettings;
  store: boolean;
}

export type PlaygroundEvent =
  | {
      type: 'meta';
      prompt: string;
      task: string | null;
      expected: string | null;
      hint: string | null;
      hardware: string;
      threads: number | null;
      models: Record<'autoregressive' | 'diffusion', string> & { block_diffusion?: string };
      remote?: Partial<Record<'autoregressive' | 'diffusion', string>>;
    }
  | { type: 'start'; engine: PlaygroundEngine; promptTokens: number; length: number }
  | { type: 'token'; engine: 'autoregressive' | 'diffusion'; index: number; text: string; elapsedMs: number } // a remote diffusion model streams text too
  | { type: 'step'; engine: 'diffusion'; step: number; committed: Pick<CommittedToken, 'position' | 'text' | 'confidence'>[]; elapsedMs: number }
  | BlockPanelEvent
  | {
      type: 'done';
      engine: PlaygroundEngine;
      text: string;
      stopReason: string;
      passed: boolean | null;
      timings: { ttftMs: number; totalMs: number; forwardPasses: number; tokensPerSecond: number; generatedTokens: number };
    }
  | { type: 'summary'; speedup: number | null; experimentId: string | null }
  | { type: 'error'; engine: PlaygroundEngine | null; message: string };

type PlaygroundEngine = 'autoregressive' | 'diffusion' | 'block_diffusion';

type Json = Record<string, unknown>;

function optionalNumber(raw: Json, key: string, field: string, min: number, max: number, integer: boolean): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new FieldError(field, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function object(value: unknown, field: string): Json {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FieldError(field, 'must be an object');
  return value as Json;
}

/** Validates a playground request body; every mistake names its field. */
export function parsePlaygroundRequest(body: unknown): PlaygroundRequest {
  const raw = object(body, 'body');
  let prompt: string;
  let item: PlaygroundRequest['item'] = null;
  if (raw.item !== undefined && raw.item !== null) {
    const it = object(raw.item, 'item');
    if (typeof it.task !== 'string' || !(TASK_NAMES as readonly string[]).includes(it.task))
      throw new FieldError('item.task', `must be one of ${TASK_NAMES.join(', ')}`);
    const family = findFamily(it.task)!;
    const length = optionalNumber(it, 'length', 'item.length', family.minLength, family.maxLength, true);
    if (length === undefined) throw new FieldError('item.length', `is required (${family.minLength}..${family.maxLength})`);
    const index = optionalNumber(it, 'index', 'item.index', 0, 1_000_000, true) ?? 0;
    const record = generateRecord(family, length, 0, index, 'eval');
    prompt = record.prompt;
    item = { task: record.task, length, index, taskId: record.task_id, answer: record.answer, test: record.test };
  } else {
    if (typeof raw.prompt !== 'string' || raw.prompt.trim() === '') throw new FieldError('prompt', 'type a prompt or pick a task item');
    if (raw.prompt.length > PLAYGROUND_LIMITS.promptChars) throw new FieldError('prompt', `is longer than ${PLAYGROUND_LIMITS.promptChars} characters`);
    prompt = raw.prompt;
  }
  const ar = object(raw.autoregressive, 'autoregressive');
  const df = object(raw.diffusion, 'diffusion');
  const seed = readDecodingFields(raw, { names: { seed: 'seed' }, empty: (v) => v === '' || v === null }).settings.seed;
  const threads = optionalNumber(raw, 'threads', 'threads', 1, PLAYGROUND_LIMITS.threads, true) ?? null;
  const emptyInput = (value: unknown) => value === '' || value === null;
  const arRead = readDecodingFields(ar, { names: PLAYGROUND_FIELDS.autoregressive, prefix: 'autoregressive.', empty: emptyInput });
  const dfRead = readDecodingFields(df, { names: PLAYGROUND_FIELDS.diffusion, prefix: 'diffusion.', empty: emptyInput });
  const autoregressive: Partial<DecodingSettings> = { ...arRead.settings, seed };
  const diffusion: Partial<DecodingSettings> = { ...dfRead.settings, seed };
  for (const [engine, settings] of [
    ['autoregressive', autoregressive],
    ['diffusion', diffusion],
  ] as const) {
    if ((settings.maxNewTokens ?? 0) > PLAYGROUND_LIMITS.maxLength)
      throw new FieldError(`${engine}.maxNewTokens`, `must be at most ${PLAYGROUND_LIMITS.maxLength} in the playground`);
  }
  // Defaults that fit the item: its answer budget for both engines (AR gets 8 spare tokens to show a missing <eos>).
  const budget = item ? (item.task === 'add' ? item.length + 1 : item.length) : 64;
  autoregressive.maxNewTokens ??= item ? budget + 8 : budget;
  diffusion.maxNewTokens ??= budget;
  const blockDiffusion = parseBlockPanel(raw.blockDiffusion, seed, autoregressive.maxNewTokens, PLAYGROUND_LIMITS.maxLength); // stops at <eos> like AR: AR's budget
  const steps = resolveSteps(dfRead.steps, diffusion.maxNewTokens);
  if (steps !== undefined) diffusion.steps = steps;
  for (const [engine, settings] of [
    ['autoregressive', autoregressive],
    ['diffusion', diffusion],
  ] as const) {
    for (const key of Object.keys(settings) as (keyof DecodingSettings)[]) if (settings[key] === undefined) delete settings[key];
    try {
      checkSettingsShape(engine, settings); // the model's engine resolves them once, when it runs (its context, its defaults)
    } catch (error) {
      throw new FieldError(engine, (error as Error).message);
    }
  }
  const models = { autoregressive: BUNDLED_AR_MODEL_ID, diffusion: BUNDLED_DIFFUSION_MODEL_ID };
  const chosen = object(raw.models, 'models');
  for (const side of ['autoregressive', 'diffusion'] as const) {
    const id = chosen[side];
    if (id === undefined || id === null || id === '') continue;
    if (typeof id !== 'string' || !/^[\w.-]{1,200}$/.test(id)) throw new FieldError(`models.${side}`, 'must be a model id (see "dlm models")');
    models[side] = id;
  }
  const dtype: PlaygroundRequest['dtype'] = {};
  const dtypes = object(raw.dtype, 'dtype');
  for (const side of ['autoregressive', 'diffusion'] as const) {
    const given = dtypes[side];
    if (given === undefined || given === null || given === '') continue;
    if (!isOnnxDtype(given)) throw new FieldError(`dtype.${side}`, `must be one of ${ONNX_DTYPES.join(', ')}`);
    dtype[side] = given;
  }
  return {
    prompt,
    item,
    autoregressive,
    diffusion,
    blockDiffusion,
    models,
    dtype,
    session: { executionProvider: 'cpu', intraOpThreads: threads, graphOptimizationLevel: 'all' },
    store: raw.store === true,
  };
}

/** A panel's model in its dtype; a model that cannot load names models.<side>, a variant it lacks dtype.<side>. */
async function loadPanelModel(request: PlaygroundRequest, side: 'autoregressive' | 'diffusion'): Promise<AnyModel> {
  let info: ModelInfo;
  try {
    info = await findModel(request.models[side]);
  } catch (error) {
    throw new FieldError(`models.${side}`, (error as Error).message.split('\n')[0]!);
  }
  const dtype = request.dtype[side];
  const problem = dtype === undefined ? null : dtypeProblem(info, dtype);
  if (problem) throw new FieldError(`dtype.${side}`, problem);
  try {
    return await loadAnyModel(info, request.session, dtype);
  } catch (error) {
    throw new FieldError(`models.${side}`, (error as Error).message.split('\n')[0]!);
  }
}

const timingsOf = (r: GenerationResult) => ({
  ttftMs: r.timings.ttftMs,
  totalMs: r.timings.totalMs,
  forwardPasses: r.timings.forwardPasses,
  tokensPerSecond: r.timings.tokensPerSecond,
  generatedTokens: r.timings.generatedTokens,
});

/** Runs the pair and reports every event through `emit`; stops within one forward once `signal` aborts. */
export async function runPlayground(
  request: PlaygroundRequest,
  emit: (event: PlaygroundEvent) => void,
  queue: DecodeQueue,
  signal?: AbortSignal,
): Promise<void> {
  const expected = request.item ? { task: request.item.task, answer: request.item.answer } : solvePrompt(request.prompt);
  const models = {} as Record<'autoregressive' | 'diffusion', AnyModel>;
  for (const side of ['autoregressive', 'diffusion'] as const) {
    const model = await loadPanelModel(request, side);
    // A remote model stands in the panel of its paradigm; a local one must be that engine (block diffusion has its own panel).
    const fits = isRemoteModel(model) ? paradigmOf(model) === side : model.config.decoding === side;
    if (!fits) throw new FieldError(`models.${side}`, `"${model.info.id}" cannot stand in the ${side} panel`);
    models[side] = model;
  }
  // A chat model behind an API gets a task prompt as an instruction, and its reply is cut to the answer.
  const promptOf = (model: AnyModel) => (expected ? promptFor(model, { task: expected.task, prompt: request.prompt }) : request.prompt);
  emit({
    type: 'meta',
    prompt: request.prompt,
    task: expected?.task ?? null,
    expected: expected?.answer ?? null,
    hint: request.item ? null : missingNewlineHint(request.prompt),
    hardware: hardwareLabel(request.session.executionProvider),
    threads: request.session.intraOpThreads,
    models: {
      autoregressive: models.autoregressive.info.id,
      diffusion: models.diffusion.info.id,
      ...(request.blockDiffusion ? { block_diffusion: BUNDLED_BLOCK_DIFFUSION_MODEL_ID } : {}),
    },
    remote: Object.fromEntries(
      (['autoregressive', 'diffusion'] as const).flatMap((side) => (isRemoteModel(models[side]) ? [[side, remoteLabelOf(models[side])!]] : [])),
    ),
  });
  const verdict = async (text: string, model?: AnyModel): Promise<boolean | null> => {
    const completion = model && expected ? completionFor(model, expected, text) : text;
    if (request.item) {
      const [check] = await checkCompletions([
        { task_id: request.item.taskId, task: request.item.task as never, answer: request.item.answer, test: request.item.test, completion },
      ]);
      return check!.passed;
    }
    return expected ? completion === expected.answer : null;
  };
  const results: Partial<Record<'autoregressive' | 'diffusion', { result: GenerationResult; passed: boolean | null }>> = {};
  for (const engineKind of ['autoregressive', 'diffusion'] as const) {
    if (signal?.aborted) return;
    const model = models[engineKind];
    const release = await queue.acquire(model.info.id, signal);
    try {
      const engine = createAnyEngine(model);
      const settings = sharedSettingsOnly(model, request[engineKind]); // checked against the model by the engine
      const result = await engine.generate(
        { prompt: promptOf(model), settings },
        {
          signal,
          onEvent: (event) => {
            if (event.type === 'start') emit({ type: 'start', engine: engineKind, promptTokens: event.promptTokens, length: event.length });
            else if (event.type === 'token') emit({ type: 'token', engine: engineKind, index: event.index, text: event.text, elapsedMs: event.elapsedMs });
            else if (event.type === 'step')
              emit({
                type: 'step',
                engine: 'diffusion',
                step: event.step,
                committed: event.committed.map(({ position, text, confidence }) => ({ position, text, confidence })),
                elapsedMs: event.elapsedMs,
              });
          },
        },
      );
      if (result.stopReason === 'cancelled') return;
      const passed = await verdict(result.text, model);
      results[engineKind] = { result, passed };
      emit({ type: 'done', engine: engineKind, text: result.text, stopReason: result.stopReason, passed, timings: timingsOf(result) });
    } catch (error) {
      emit({ type: 'error', engine: engineKind, message: (error as Error).message.split('\n')[0]! });
    } finally {
      release();
    }
  }
  if (request.blockDiffusion) {
    if (signal?.aborted) return;
    await runBlockPanel({ prompt: request.prompt, settings: request.blockDiffusion, session: request.session }, emit, { queue, verdict, signal });
  }
  const ar = results.autoregressive;
  const df = results.diffusion;
  let experimentId: string | null = null;
  if (request.store && ar && df) {
    // Both runs and the finished experiment in one transaction: a crash never leaves half a pair. Both runs
    // are keyed by the item's length (the diffusion canvas for a free prompt), not AR's token cap, so they pair.
    const length = request.item?.length ?? df.result.settings.maxNewTokens;
    const experiment = await recordFinishedExperiment(
      {
        title: `playground: ${request.prompt.trim().slice(0, 60)}`,
        kind: 'compare',
        config: {
          source: 'playground',
          prompt: request.prompt,
          item: request.item,
          settings: { autoregressive: request.autoregressive, diffusion: request.diffusion },
          session: request.session,
          models: { autoregressive: models.autoregressive.info.id, diffusion: models.diffusion.info.id },
          dtype: { autoregressive: variantOf(models.autoregressive).dtype, diffusion: variantOf(models.diffusion).dtype },
        },
        environment: captureEnvironment({
          executionProvider: 'cpu',
          threads: request.session.intraOpThreads,
          remoteHosts: remoteHostsOf(Object.values(models)),
        }),
      },
      (['autoregressive', 'diffusion'] as const).map((kind) => {
        const side = kind === 'autoregressive' ? ar : df;
        return {
          model: models[kind],
          prompt: promptOf(models[kind]),
          result: side.result,
          extra: { taskId: request.item?.task ?? expected?.task ?? null, itemId: request.item?.taskId ?? null, passed: side.passed, requestedLength: length },
        };
      }),
    );
    experimentId = experiment.id;
  }
  emit({ type: 'summary', speedup: ar && df ? ar.result.timings.totalMs / df.result.timings.totalMs : null, experimentId });
}
