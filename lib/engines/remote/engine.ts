// The remote engine: one prompt through an OpenAI-compatible API, streamed, with the same events as the local
// engines (one `token` event per content delta). Measured honestly and labelled "remote, network included":
// TTFT is the time to the first content chunk, total the time to the last one, both from the moment the
// request is sent (a wait for a max_concurrency slot is not counted); tokens come from the provider's usage,
// else the folder's tokenizer, else an estimate that is labelled so.
import { engineFromSteps } from '../engine-steps.ts';
import type { Engine, GenerateOptions, GenerationRequest, GenerationResult, ResolvedRequest, StopReason } from '../types.ts';
import type { ChunkContent, Usage } from './chunks.ts';
import { type ClientOptions, postCompletion, RemoteCancelled } from './client.ts';
import { RemoteAuthError, RemoteSettingsError } from './errors.ts';
import { readAnswer } from './read-answer.ts';
import { buildRequestBody, endpointUrl, resolveRemoteSettings } from './request.ts';
import { remoteLabel, type RemoteModel } from './remote-model.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { acquireSlot } from './slots.ts';
import { costUsd, countTokens } from './token-count.ts';

export interface RemoteEngineOptions {
  retry?: RetryPolicy;
  sleep?: ClientOptions['sleep'];
  onRetry?: ClientOptions['onRetry'];
}

const STOP_REASONS: Record<string, StopReason> = { stop: 'eos', length: 'max_tokens', end_turn: 'eos', max_tokens: 'max_tokens' };

export function createRemoteEngine(model: RemoteModel, engineOptions: RemoteEngineOptions = {}): Engine {
  const { remote, info } = model;
  return engineFromSteps({
    kind: model.paradigm,
    modelId: info.id,
    resolveSettings(request: GenerationRequest) {
      const settings = resolveRemoteSettings(request.settings ?? {}, info.id, remote.contextLength);
      if (request.prompt === '') throw new RemoteSettingsError(`${info.id}: prompt is empty`);
      return settings;
    },
    async decode(request: ResolvedRequest, options: GenerateOptions): Promise<GenerationResult> {
      const { settings } = request;
      // Read at request time, used only in the Authorization header, never stored or printed.
      const key = remote.apiKeyEnv === null ? null : process.env[remote.apiKeyEnv];
      if (key === undefined || key === '') throw new RemoteAuthError(`set ${remote.apiKeyEnv} to use the remote model ${info.id} (${remote.host})`);
      const body = buildRequestBody(remote.model, remote.chat, request.prompt, settings);
      options.onEvent?.({
        type: 'start',
        engine: model.paradigm,
        promptTokens: countTokens(request.prompt, '', null, model.tokenizer).promptTokens,
        length: settings.maxNewTokens,
      });

      const pieces: string[] = [];
      let usage: Usage | null = null;
      let finishReason: string | null = null;
      let cancelled = false;
      let started = 0;
      let attempts = 0;
      let ttftMs = Number.NaN;
      let lastContentMs = Number.NaN;
      const onContent = (chunk: ChunkContent) => {
        if (chunk.usage) usage = chunk.usage;
        if (chunk.finishReason) finishReason = chunk.finishReason;
        if (chunk.text === '') return;
        const elapsedMs = performance.now() - started;
        if (pieces.length === 0) ttftMs = elapsedMs;
        lastContentMs = elapsedMs;
        options.onEvent?.({ type: 'token', index: pieces.length, tokenId: -1, text: chunk.text, elapsedMs }); // -1: the provider's token ids are not sent
        pieces.push(chunk.text);
      };
      let release = () => {};
      try {
        release = await acquireSlot(`${remote.baseUrl}|${remote.model}`, remote.maxConcurrency, options.signal).catch(() => {
          throw new RemoteCancelled('cancelled'); // only the caller's signal rejects a wait for a slot
        });
        started = performance.now();
        const opened = await postCompletion(remote, info.id, endpointUrl(remote.baseUrl, remote.chat), key, body, {
          signal: options.signal,
          retry: engineOptions.retry ?? { ...DEFAULT_RETRY_POLICY, maxRetries: remote.maxRetries },
          sleep: engineOptions.sleep,
          onRetry: engineOptions.onRetry,
        });
        // A retried request's waits are not the model's latency: the clock starts with the request that answered.
        started = opened.sentAt;
        attempts = opened.attempts;
        await readAnswer(opened, remote, { modelId: info.id, key, signal: options.signal }, onContent);
      } catch (error) {
        if (!(error instanceof RemoteCancelled)) throw error;
        cancelled = true;
      } finally {
        release();
      }

      const endMs = performance.now() - started;
      const text = pieces.join('');
      const totalMs = Number.isNaN(lastContentMs) ? endMs : lastContentMs;
      const counted = countTokens(request.prompt, text, cancelled ? null : usage, model.tokenizer);
      const tokenIds = model.tokenizer ? model.tokenizer.encode(text) : [];
      return {
        text,
        tokenIds,
        stopReason: cancelled ? 'cancelled' : (STOP_REASONS[finishReason ?? ''] ?? 'eos'),
        promptTokens: counted.promptTokens,
        settings,
        timings: {
          ttftMs: Number.isNaN(ttftMs) ? totalMs : ttftMs,
          totalMs,
          forwardPasses: 0, // unknown behind an API
          forwardMs: [],
          generatedTokens: counted.generatedTokens,
          tokensPerSecond: totalMs > 0 ? counted.generatedTokens / (totalMs / 1000) : 0,
        },
        remote: {
          host: remote.host,
          label: remoteLabel(remote.host),
          providerModel: remote.model,
          tokenSource: counted.source,
          tokensEstimated: counted.source === 'estimate',
          promptTokens: counted.promptTokens,
          costUsd: costUsd(counted.promptTokens, counted.generatedTokens, remote.price),
          finishReason,
          attempts,
        },
      };
    },
  });
}
