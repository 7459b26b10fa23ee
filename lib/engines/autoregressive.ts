// Autoregressive decoding with a KV cache: one forward over the prompt (prefill), then one token per forward.
import * as ort from 'onnxruntime-node';
import { describeDecoderGraph } from './decoder-graph.ts';
import { withGenerationDefaults } from './generation-config.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { DecoderConfig } from './model-config.ts';
import { composeProcessors, type LogitsProcessor, suppressTokens, temperatureScale, topKFilter, topPFilter } from './sampling/logits-processors.ts';
import { createRng } from './sampling/rng.ts';
import { argmax, greedySampler, multinomialSampler, type Sampler } from './sampling/samplers.ts';
import { firstStop, stopAtMaxTokens, stopOnEos } from './sampling/stopping-criteria.ts';
import { engineFromSteps, type EngineSteps } from './engine-steps.ts';
import { abilitiesOf } from './loaded-model.ts';
import { buildResult } from './result.ts';
import { resolveSettings, settingsProblemFor } from './settings.ts';
import { createStreamDecoder } from './tokenizer.ts';
import { type DecodingSettings, type Engine, SettingsError, type StopReason } from './types.ts';

function int64(values: readonly number[], dims: number[]): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', data, dims);
}

/** An AR model's settings: the request's, then generation_config.json's defaults, then the app's. */
export function resolveAutoregressiveSettings(config: DecoderConfig, given: Partial<DecodingSettings>, promptTokens: number): DecodingSettings {
  return resolveSettings('autoregressive', withGenerationDefaults(config.generationDefaults, given), promptTokens, config.contextLength);
}

/** Builds the per-step pipeline: logits processors then a sampler, from the resolved settings. */
function tokenChooser(settings: DecodingSettings, eosTokenIds: readonly number[]): (logits: Float32Array, generated: number) => number {
  if (settings.temperature === 0 && settings.minNewTokens === 0) return (logits) => argmax(logits); // the hot greedy path: no copies
  const rng = createRng(settings.seed);
  const sampler: Sampler = settings.temperature === 0 ? greedySampler : multinomialSampler(rng);
  const sampling: LogitsProcessor[] =
    settings.temperature === 0 ? [] : [temperatureScale(settings.temperature), topKFilter(settings.topK), topPFilter(settings.topP)];
  const withEos = composeProcessors(sampling);
  const withoutEos = composeProcessors([suppressTokens(eosTokenIds), ...sampling]);
  return (logits, generated) => sampler((generated < settings.minNewTokens ? withoutEos : withEos)(Float64Array.from(logits)));
}

export function createAutoregressiveEngine(model: LoadedModel): Engine {
  const { session, config, tokenizer } = model;
  const graph = describeDecoderGraph(session, config);
  const eos = config.eosTokenIds;

  const resolveRequestSettings: EngineSteps['resolveSettings'] = (request) => {
    const settings = resolveAutoregressiveSettings(config, request.settings ?? {}, tokenizer.encodePrompt(request.prompt).length);
    const problem = settingsProblemFor(abilitiesOf(model), settings); // a KV-cache mode asked of a model without that graph
    if (problem) throw new SettingsError(problem);
    return settings;
  };

  const decode: EngineSteps['decode'] = async (request, options) => {
    const started = performance.now();
    const promptIds = tokenizer.encodePrompt(request.prompt); // again, inside the timing: TTFT includes tokenisation
    const { settings } = request;
    const choose = tokenChooser(settings, eos);
    const stopping = [stopOnEos(eos), stopAtMaxTokens(settings.maxNewTokens)];
    const stream = createStreamDecoder(tokenizer);
    options.onEvent?.({ type: 'start', engine: 'autoregressive', promptTokens: promptIds.length, length: settings.maxNewTokens });

    const feeds: Record<string, ort.Tensor> = {};
    for (const l of graph.layers) feeds[l.pastKey] = feeds[l.pastValue] = graph.emptyCache();
    const generated: number[] = [];
    const forwardMs: number[] = [];
    let ttftMs = 0;
    let stopReason: StopReason | null = null;
    let stepIds: number[] = promptIds; // tokens fed this forward: the prompt, then the last token
    let pastLength = 0;

    while (stopReason === null) {
      if (options.signal?.aborted) {
        stopReason = 'cancelled';
        break;
      }
      const total = pastLength + stepIds.length;
      feeds.input_ids = int64(stepIds, [1, stepIds.length]);
      feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
      if (graph.takesPositionIds)
        feeds.position_ids = int64(
          stepIds.map((_, i) => pastLength + i),
          [1, stepIds.length],
        );
      if (graph.takesUseCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(pastLength > 0 ? 1 : 0), [1]);
      const t0 = performance.now();
      const out = await session.run(feeds);
      forwardMs.push(performance.now() - t0);

      const tokenId = choose(graph.logitsRow(out.logits!, stepIds.length - 1), generated.length);
      generated.push(tokenId);
      for (const l of graph.layers) {
        feeds[l.pastKey] = out[l.presentKey]!;
        feeds[l.pastValue] = out[l.presentValue]!;
      }
      pastLength = total;
      stepIds = [tokenId];
      const elapsedMs = performance.now() - started;
      if (generated.length === 1) ttftMs = elapsedMs;
      // The text this token completes: whole characters only, so the deltas join to the final text.
      options.onEvent?.({ type: 'token', index: generated.length - 1, tokenId, text: stream.push(tokenId), elapsedMs });
      stopReason = firstStop(stopping, generated);
    }

    const tokenIds = eos.includes(generated.at(-1)!) ? generated.slice(0, -1) : generated;
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: promptIds.length, settings, started, ttftMs, forwardMs });
  };

  return engineFromSteps({ kind: 'autoregressive', modelId: model.info.id, resolveSettings: resolveRequestSettings, decode });
}
