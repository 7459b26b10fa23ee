// The dashboard's playground: one prompt (typed, or a task item with its expected answer) through the AR and
// the diffusion model, streamed event by event. The engines run one after the other, each in its model's
// decode slot, so neither slows the other's timing; the pair can be stored as a "compare" experiment.
import { createEngine, loadModel, type LoadedModel } from '../engines/index.ts';
import { REMASKING_POLICIES, resolveSettings } from '../engines/settings.ts';
import { CACHE_MODES, type CommittedToken, type DecodingSettings, type GenerationResult, type SessionSettings } from '../engines/types.ts';
import { captureEnvironment } from '../env/environment.ts';
import { checkCompletions } from '../tasks/check.ts';
import { generateRecord } from '../tasks/generate.ts';
import { findFamily, solvePrompt, TASK_NAMES } from '../tasks/registry.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import { type DecodeQueue } from './decode-queue.ts';
import { FieldError } from './field-error.ts';
import { recordExperiment, storeResult } from './record.ts';
import { parseSteps } from './spec.ts';
import { resolveSteps } from './steps.ts';

export const PLAYGROUND_LIMITS = { promptChars: 2000, maxLength: 512, threads: 16 } as const;

export interface PlaygroundRequest {
  prompt: string;
  item: { task: string; length: number; index: number; taskId: string; answer: string; test?: string } | null;
  autoregressive: Partial<DecodingSettings>;
  diffusion: Partial<DecodingSettings>;
  session: SessionSettings;
  store: boolean;
}

export type PlaygroundEvent =
  | { type: 'meta'; prompt: string; task: string | null; expected: string | null; hardware: string; threads: number | null; models: Record<'autoregressive' | 'diffusion', string> }
  | { type: 'start'; engine: 'autoregressive' | 'diffusion'; promptTokens: number; length: number }
  | { type: 'token'; engine: 'autoregressive'; index: number; text: string; elapsedMs: number }
  | { type: 'step'; engine: 'diffusion'; step: number; committed: Pick<CommittedToken, 'position' | 'text' | 'confidence'>[]; elapsedMs: number }
  | {
      type: 'done';
      engine: 'autoregressive' | 'diffusion';
      text: string;
      stopReason: string;
      passed: boolean | null;
      timings: { ttftMs: number; totalMs: number; forwardPasses: number; tokensPerSecond: number; generatedTokens: number };
    }
  | { type: 'summary'; speedup: number | null; experimentId: string | null }
  | { type: 'error'; engine: 'autoregressive' | 'diffusion' | null; message: string };

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
    if (typeof it.task !== 'string' || !(TASK_NAMES as readonly string[]).includes(it.task)) throw new FieldError('item.task', `must be one of ${TASK_NAMES.join(', ')}`);
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
  const seed = optionalNumber(raw, 'seed', 'seed', 0, 0xffffffff, true);
  const threads = optionalNumber(raw, 'threads', 'threads', 1, PLAYGROUND_LIMITS.threads, true) ?? null;
  const autoregressive: Partial<DecodingSettings> = {
    maxNewTokens: optionalNumber(ar, 'maxNewTokens', 'autoregressive.maxNewTokens', 1, PLAYGROUND_LIMITS.maxLength, true),
    temperature: optionalNumber(ar, 'temperature', 'autoregressive.temperature', 0, 10, false),
    topK: optionalNumber(ar, 'topK', 'autoregressive.topK', 0, 100_000, true),
    topP: optionalNumber(ar, 'topP', 'autoregressive.topP', 0.000001, 1, false),
    seed,
  };
  const length = optionalNumber(df, 'maxNewTokens', 'diffusion.maxNewTokens', 1, PLAYGROUND_LIMITS.maxLength, true);
  const diffusion: Partial<DecodingSettings> = {
    maxNewTokens: length,
    blockLength: optionalNumber(df, 'blockLength', 'diffusion.blockLength', 1, PLAYGROUND_LIMITS.maxLength, true),
    threshold: optionalNumber(df, 'threshold', 'diffusion.threshold', 0.000001, 0.999999, false),
    factor: optionalNumber(df, 'factor', 'diffusion.factor', 0.000001, 100, false),
    temperature: optionalNumber(df, 'temperature', 'diffusion.temperature', 0, 10, false),
    seed,
  };
  if (df.cache !== undefined && df.cache !== '') {
    if (typeof df.cache !== 'string' || !(CACHE_MODES as readonly string[]).includes(df.cache)) throw new FieldError('diffusion.cache', `must be one of ${CACHE_MODES.join(', ')}`);
    diffusion.cache = df.cache as DecodingSettings['cache'];
  }
  if (df.remasking !== undefined && df.remasking !== '') {
    if (typeof df.remasking !== 'string' || !(REMASKING_POLICIES as readonly string[]).includes(df.remasking)) throw new FieldError('diffusion.remasking', `must be one of ${REMASKING_POLICIES.join(', ')}`);
    diffusion.remasking = df.remasking as DecodingSettings['remasking'];
  }
  // Defaults that fit the item: its answer budget for both engines (AR gets 8 spare tokens to show a missing <eos>).
  const budget = item ? (item.task === 'add' ? item.length + 1 : item.length) : 64;
  autoregressive.maxNewTokens ??= item ? budget + 8 : budget;
  diffusion.maxNewTokens ??= budget;
  if (df.steps !== undefined && df.steps !== '') {
    const steps = resolveSteps(parseSteps(df.steps, 'diffusion.steps').spec, diffusion.maxNewTokens);
    diffusion.steps = steps;
  }
  for (const [engine, settings] of [['autoregressive', autoregressive], ['diffusion', diffusion]] as const) {
    for (const key of Object.keys(settings) as (keyof DecodingSettings)[]) if (settings[key] === undefined) delete settings[key];
    try {
      resolveSettings(engine, settings, 1, Number.MAX_SAFE_INTEGER); // shape only; the model's context is checked when it runs
    } catch (error) {
      throw new FieldError(engine, (error as Error).message);
    }
  }
  return {
    prompt,
    item,
    autoregressive,
    diffusion,
    session: { executionProvider: 'cpu', intraOpThreads: threads, graphOptimizationLevel: 'all' },
    store: raw.store === true,
  };
}

const timingsOf = (r: GenerationResult) => ({
  ttftMs: r.timings.ttftMs,
  totalMs: r.timings.totalMs,
  forwardPasses: r.timings.forwardPasses,
  tokensPerSecond: r.timings.tokensPerSecond,
  generatedTokens: r.timings.generatedTokens,
});

/** Runs the pair and reports every event through `emit`; stops within one forward once `signal` aborts. */
export async function runPlayground(request: PlaygroundRequest, emit: (event: PlaygroundEvent) => void, queue: DecodeQueue, signal?: AbortSignal): Promise<void> {
  const expected = request.item ? { task: request.item.task, answer: request.item.answer } : solvePrompt(request.prompt);
  const models: Record<'autoregressive' | 'diffusion', LoadedModel> = {
    autoregressive: await loadModel(BUNDLED_AR_MODEL_ID, request.session),
    diffusion: await loadModel(BUNDLED_DIFFUSION_MODEL_ID, request.session),
  };
  emit({
    type: 'meta',
    prompt: request.prompt,
    task: expected?.task ?? null,
    expected: expected?.answer ?? null,
    hardware: 'CPU',
    threads: request.session.intraOpThreads,
    models: { autoregressive: models.autoregressive.info.id, diffusion: models.diffusion.info.id },
  });
  const results: Partial<Record<'autoregressive' | 'diffusion', { result: GenerationResult; passed: boolean | null }>> = {};
  for (const engineKind of ['autoregressive', 'diffusion'] as const) {
    if (signal?.aborted) return;
    const model = models[engineKind];
    const release = await queue.acquire(model.info.id, signal);
    try {
      const engine = createEngine(model);
      const settings = request[engineKind];
      resolveSettings(engineKind, settings, model.tokenizer.encode(request.prompt).length, model.config.contextLength);
      const result = await engine.generate(
        { prompt: request.prompt, settings },
        {
          signal,
          onEvent: (event) => {
            if (event.type === 'start') emit({ type: 'start', engine: engineKind, promptTokens: event.promptTokens, length: event.length });
            else if (event.type === 'token') emit({ type: 'token', engine: 'autoregressive', index: event.index, text: event.text, elapsedMs: event.elapsedMs });
            else emit({ type: 'step', engine: 'diffusion', step: event.step, committed: event.committed.map(({ position, text, confidence }) => ({ position, text, confidence })), elapsedMs: event.elapsedMs });
          },
        },
      );
      if (result.stopReason === 'cancelled') return;
      let passed: boolean | null = null;
      if (request.item) {
        const [check] = await checkCompletions([{ task_id: request.item.taskId, task: request.item.task as never, answer: request.item.answer, test: request.item.test, completion: result.text }]);
        passed = check!.passed;
      } else if (expected) passed = result.text === expected.answer;
      results[engineKind] = { result, passed };
      emit({ type: 'done', engine: engineKind, text: result.text, stopReason: result.stopReason, passed, timings: timingsOf(result) });
    } catch (error) {
      emit({ type: 'error', engine: engineKind, message: (error as Error).message.split('\n')[0]! });
    } finally {
      release();
    }
  }
  const ar = results.autoregressive;
  const df = results.diffusion;
  let experimentId: string | null = null;
  if (request.store && ar && df) {
    const { experiment } = await recordExperiment(
      {
        title: `playground: ${request.prompt.trim().slice(0, 60)}`,
        kind: 'compare',
        config: { source: 'playground', prompt: request.prompt, item: request.item, settings: { autoregressive: request.autoregressive, diffusion: request.diffusion }, session: request.session, models: { autoregressive: models.autoregressive.info.id, diffusion: models.diffusion.info.id } },
        environment: captureEnvironment({ executionProvider: 'cpu', threads: request.session.intraOpThreads }),
      },
      async (e) => {
        for (const [kind, side] of [['autoregressive', ar], ['diffusion', df]] as const) {
          await storeResult(e.id, models[kind], request.prompt, side.result, { taskId: request.item?.task ?? expected?.task ?? null, itemId: request.item?.taskId ?? null, passed: side.passed });
        }
      },
    );
    experimentId = experiment.id;
  }
  emit({ type: 'summary', speedup: ar && df ? ar.result.timings.totalMs / df.result.timings.totalMs : null, experimentId });
}
