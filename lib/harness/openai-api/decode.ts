// One decode for the API: the engine runs, the final text grows left to right (AR: token by token;
// diffusion: the committed prefix), stop strings and max_tokens end it early, and every diffusion step's
// canvas is reported. The same path serves streamed and whole responses, so both return the same text.
import { createEngine, type LoadedModel } from '../../engines/index.ts';
import type { CommittedToken, GenerationResult, ResolvedRequest } from '../../engines/types.ts';
import { createCanvas } from './canvas.ts';
import { createFinalText } from './final-text.ts';

export interface DecodeJob {
  model: LoadedModel;
  request: ResolvedRequest; // the prompt and its settings, resolved once by the model's engine when the request was checked
  outputCap: number | null; // canvas decoders: most tokens returned (max_tokens below gen_length)
  stop: readonly string[];
}

/** Each carries the final text that became sendable with it (`delta`, possibly empty), in order. */
export type DecodeEvent =
  | { type: 'token'; delta: string } // AR: one per generated token
  | { type: 'step'; delta: string; step: number; canvas: string; committed: Pick<CommittedToken, 'position' | 'text' | 'confidence'>[] } // diffusion: one per step
  | { type: 'text'; delta: string }; // the rest, released once the decode ended

export type FinishReason = 'stop' | 'length';

export interface DecodeOutcome {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  result: GenerationResult; // the engine's own result: settings used, timings, NFE
}

/** Thrown when the client went away: nothing is left to answer. */
export class ClientGoneError extends Error {}

export async function runDecode(job: DecodeJob, emit: (event: DecodeEvent) => void, signal: AbortSignal): Promise<DecodeOutcome> {
  const { model } = job;
  const eos = model.config.eosTokenId;
  const endIds = new Set(model.config.eosTokenIds); // AR: any of them ends the text (Llama 3's <|eot_id|> too)
  const finalText = createFinalText((ids) => model.tokenizer.decode(ids), job.stop);
  const done = new AbortController(); // our own early end: a stop string matched, or max_tokens was reached
  const stopEngine = () => done.abort();
  if (signal.aborted) stopEngine();
  else signal.addEventListener('abort', stopEngine, { once: true });

  const arIds: number[] = [];
  const canvas = createCanvas(eos);
  let capped = false; // max_tokens reached below the canvas length
  let result: GenerationResult;
  try {
    result = await createEngine(model).decode(job.request, {
      signal: done.signal,
      onEvent: (event) => {
        if (event.type === 'token') {
          if (endIds.has(event.tokenId)) return;
          arIds.push(event.tokenId);
          const update = finalText.update(arIds, false);
          emit({ type: 'token', delta: update.delta });
          if (update.stopped) stopEngine();
        } else if (event.type === 'start') {
          canvas.start(event.length, event.engine === 'block_diffusion' ? 0 : event.length);
        } else if (event.type === 'block') {
          canvas.reveal(event.start + event.length);
        } else if (event.type === 'step') {
          canvas.commit(event.committed);
          const update = finalText.update(canvas.finalIds(job.outputCap), false);
          const committed = event.committed.map(({ position, text, confidence }) => ({ position, text, confidence }));
          emit({ type: 'step', delta: update.delta, step: event.step, canvas: canvas.render(), committed });
          capped = job.outputCap !== null && canvas.finalIds(job.outputCap).length >= job.outputCap;
          if (update.stopped || capped) stopEngine(); // an <eos> in the prefix ends the decode by itself
        }
      },
    });
  } finally {
    signal.removeEventListener('abort', stopEngine);
  }
  if (signal.aborted) throw new ClientGoneError('the client closed the connection');

  // Unless we ended it early, the engine's own output decides (AR drops a final <eos>; a canvas is cut at it).
  let ids = result.stopReason === 'cancelled' && model.config.decoding !== 'autoregressive' ? canvas.finalIds(job.outputCap) : result.tokenIds;
  if (job.outputCap !== null && ids.length > job.outputCap) {
    ids = ids.slice(0, job.outputCap);
    capped = true;
  }
  const rest = finalText.update(ids, true).delta;
  if (rest) emit({ type: 'text', delta: rest });
  const finishReason: FinishReason = finalText.stopped || (!capped && result.stopReason === 'eos') ? 'stop' : 'length';
  return { text: finalText.text, finishReason, promptTokens: result.promptTokens, completionTokens: finalText.tokens, result };
}
