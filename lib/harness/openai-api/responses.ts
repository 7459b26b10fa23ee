// OpenAI's response objects: chat.completion / text_completion, and their streamed chunks
// (chat.completion.chunk; text_completion chunks), each with our "dlm" extension where it has something to say.
import { randomBytes } from 'node:crypto';
import type { EngineKind } from '../../engines/types.ts';
import type { DecodeEvent, DecodeOutcome, FinishReason } from './decode.ts';
import type { Endpoint } from './request.ts';
import { echoSettings } from './settings.ts';

/** Names the one response a request gets; every chunk of a stream carries it. */
export interface ResponseIdentity {
  endpoint: Endpoint;
  id: string;
  created: number; // Unix seconds
  model: string;
  systemFingerprint: string; // changes when the weights do
  engine: EngineKind;
  hardware: string; // where the numbers were measured: "CPU" or the GPU provider
  modelSha256: string | null;
}

export function responseIdentity(endpoint: Endpoint, model: { id: string; sha256: string | null }, engine: EngineKind, hardware: string): ResponseIdentity {
  return {
    endpoint,
    id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`,
    created: Math.floor(Date.now() / 1000),
    model: model.id,
    systemFingerprint: `fp_${(model.sha256 ?? 'unknown').slice(0, 12)}`,
    engine,
    hardware,
    modelSha256: model.sha256,
  };
}

export const usageOf = (outcome: DecodeOutcome) => ({
  prompt_tokens: outcome.promptTokens,
  completion_tokens: outcome.completionTokens,
  total_tokens: outcome.promptTokens + outcome.completionTokens,
});

/** What the decode used and cost: settings under the request's names, NFE, timings, hardware, weights. */
export function dlmSummary(identity: ResponseIdentity, outcome: DecodeOutcome) {
  const { timings, settings } = outcome.result;
  return {
    decoding: identity.engine,
    settings: echoSettings(settings, identity.engine),
    nfe: timings.forwardPasses,
    timings: { ttft_ms: timings.ttftMs, total_ms: timings.totalMs, tokens_per_second: timings.tokensPerSecond },
    hardware: identity.hardware,
    model_sha256: identity.modelSha256,
  };
}

const head = (identity: ResponseIdentity, object: string) => ({
  id: identity.id,
  object,
  created: identity.created,
  model: identity.model,
  system_fingerprint: identity.systemFingerprint,
});

/** The whole (non-streamed) response; `prefix` is the echoed prompt of a completion. */
export function completionResponse(identity: ResponseIdentity, outcome: DecodeOutcome, prefix = '') {
  const choice =
    identity.endpoint === 'chat'
      ? { index: 0, message: { role: 'assistant', content: outcome.text, refusal: null }, logprobs: null, finish_reason: outcome.finishReason }
      : { index: 0, text: prefix + outcome.text, logprobs: null, finish_reason: outcome.finishReason };
  return {
    ...head(identity, identity.endpoint === 'chat' ? 'chat.completion' : 'text_completion'),
    choices: [choice],
    usage: usageOf(outcome),
    dlm: dlmSummary(identity, outcome),
  };
}

export interface ChunkParts {
  text?: string; // new final text
  role?: boolean; // chat: the first chunk announces the assistant role
  finishReason?: FinishReason;
  dlm?: unknown; // a diffusion step's canvas, or the summary on the last chunk
  withUsage?: boolean; // stream_options.include_usage: every chunk says usage: null until the usage chunk
}

export function chunk(identity: ResponseIdentity, parts: ChunkParts) {
  const finish_reason = parts.finishReason ?? null;
  const choice =
    identity.endpoint === 'chat'
      ? {
          index: 0,
          delta: parts.finishReason ? {} : { ...(parts.role ? { role: 'assistant' } : {}), content: parts.text ?? '' },
          logprobs: null,
          finish_reason,
        }
      : { index: 0, text: parts.text ?? '', logprobs: null, finish_reason };
  return {
    ...head(identity, identity.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion'),
    choices: [choice],
    ...(parts.withUsage ? { usage: null } : {}),
    ...(parts.dlm !== undefined ? { dlm: parts.dlm } : {}),
  };
}

/** The chunk for one decode event: its new final text and, for a diffusion step, the whole canvas. */
export function eventChunk(identity: ResponseIdentity, event: DecodeEvent, withUsage: boolean) {
  const dlm = event.type === 'step' ? { step: event.step, canvas: event.canvas, committed: event.committed } : undefined;
  return chunk(identity, { text: event.delta, dlm, withUsage });
}

/** The usage chunk that ends a stream when stream_options.include_usage is set: no choices. */
export function usageChunk(identity: ResponseIdentity, outcome: DecodeOutcome) {
  return { ...head(identity, identity.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion'), choices: [], usage: usageOf(outcome) };
}
