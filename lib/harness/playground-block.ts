// The playground's third panel: the block-diffusion model (when its folder is there), run after the AR and
// diffusion pair with its own settings. Kept apart from playground.ts so the pair's code stays as it is.
import { type FieldNames, readDecodingFields, resolveSteps } from '../engines/decoding-schema.ts';
import { createEngine, loadModel } from '../engines/index.ts';
import { checkSettingsShape } from '../engines/settings.ts';
import type { DecodingSettings, GenerationEvent, GenerationResult, SessionSettings } from '../engines/types.ts';
import { BUNDLED_BLOCK_DIFFUSION_MODEL_ID } from './bundled-models.ts';
import type { DecodeQueue } from './decode-queue.ts';
import { FieldError } from './field-error.ts';

/** What the block panel sends (no block length: it is the model's; no cache: it is always exact). */
const BLOCK_PANEL_FIELDS = {
  maxNewTokens: 'maxNewTokens',
  steps: 'steps',
  remasking: 'remasking',
  threshold: 'threshold',
  factor: 'factor',
  temperature: 'temperature',
} satisfies FieldNames;

/**
 * The block panel's settings from the request's `blockDiffusion` object; null when absent (panel off).
 * `defaultCap` is the cap when none is given; `steps` ("L/4" …) is relative to the cap.
 */
export function parseBlockPanel(raw: unknown, seed: number | undefined, defaultCap: number, maxCap: number): Partial<DecodingSettings> | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new FieldError('blockDiffusion', 'must be an object');
  const read = readDecodingFields(raw as Record<string, unknown>, {
    names: BLOCK_PANEL_FIELDS,
    prefix: 'blockDiffusion.',
    empty: (v) => v === '' || v === null,
  });
  const settings: Partial<DecodingSettings> = { ...read.settings, ...(seed !== undefined ? { seed } : {}) };
  settings.maxNewTokens ??= defaultCap;
  if (settings.maxNewTokens > maxCap) throw new FieldError('blockDiffusion.maxNewTokens', `must be at most ${maxCap} in the playground`);
  const steps = resolveSteps(read.steps, settings.maxNewTokens);
  if (steps !== undefined) settings.steps = steps;
  try {
    checkSettingsShape('diffusion', settings); // the block size and context are checked when the engine resolves them
  } catch (error) {
    throw new FieldError('blockDiffusion', (error as Error).message);
  }
  return settings;
}

/** A block engine event as the playground streams it: steps (with their block) and the canvas growing. */
export type BlockPanelEvent =
  | { type: 'block'; engine: 'block_diffusion'; block: number; start: number; length: number; elapsedMs: number }
  | {
      type: 'step';
      engine: 'block_diffusion';
      step: number;
      block: number;
      committed: { position: number; text: string; confidence: number }[];
      elapsedMs: number;
    };

export function blockPanelEvent(event: Extract<GenerationEvent, { type: 'block' | 'step' }>): BlockPanelEvent {
  if (event.type === 'block')
    return { type: 'block', engine: 'block_diffusion', block: event.block, start: event.start, length: event.length, elapsedMs: event.elapsedMs };
  const committed = event.committed.map(({ position, text, confidence }) => ({ position, text, confidence }));
  return { type: 'step', engine: 'block_diffusion', step: event.step, block: event.block, committed, elapsedMs: event.elapsedMs };
}

/** The events the block panel emits, in the playground's shapes (start/done/error as for the other panels). */
export type BlockPanelEmitted =
  | BlockPanelEvent
  | { type: 'start'; engine: 'block_diffusion'; promptTokens: number; length: number }
  | {
      type: 'done';
      engine: 'block_diffusion';
      text: string;
      stopReason: string;
      passed: boolean | null;
      timings: { ttftMs: number; totalMs: number; forwardPasses: number; tokensPerSecond: number; generatedTokens: number };
    }
  | { type: 'error'; engine: 'block_diffusion'; message: string };

/** Runs the block model on the prompt in its decode slot, streaming its events; a missing model is an error event, not a failed run. */
export async function runBlockPanel(
  run: { prompt: string; settings: Partial<DecodingSettings>; session: SessionSettings },
  emit: (event: BlockPanelEmitted) => void,
  o: { queue: DecodeQueue; verdict: (text: string) => Promise<boolean | null>; signal?: AbortSignal },
): Promise<GenerationResult | null> {
  let release: (() => void) | undefined;
  try {
    const model = await loadModel(BUNDLED_BLOCK_DIFFUSION_MODEL_ID, run.session);
    if (model.config.decoding !== 'block_diffusion') throw new Error(`${model.info.id} is not a block-diffusion model`);
    release = await o.queue.acquire(model.info.id, o.signal);
    const result = await createEngine(model).generate(
      { prompt: run.prompt, settings: run.settings },
      {
        signal: o.signal,
        onEvent: (event) => {
          if (event.type === 'start') emit({ type: 'start', engine: 'block_diffusion', promptTokens: event.promptTokens, length: event.length });
          else if (event.type === 'block' || event.type === 'step') emit(blockPanelEvent(event));
        },
      },
    );
    if (result.stopReason === 'cancelled') return null;
    const t = result.timings;
    const timings = {
      ttftMs: t.ttftMs,
      totalMs: t.totalMs,
      forwardPasses: t.forwardPasses,
      tokensPerSecond: t.tokensPerSecond,
      generatedTokens: t.generatedTokens,
    };
    emit({ type: 'done', engine: 'block_diffusion', text: result.text, stopReason: result.stopReason, passed: await o.verdict(result.text), timings });
    return result;
  } catch (error) {
    if (!o.signal?.aborted) emit({ type: 'error', engine: 'block_diffusion', message: (error as Error).message.split('\n')[0]! });
    return null;
  } finally {
    release?.();
  }
}
