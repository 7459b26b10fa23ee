// Autoregressive decoding with a KV cache: one forward over the prompt (prefill), then one token per forward.
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from './loaded-model.ts';
import { ModelConfigError } from './model-config.ts';
import { composeProcessors, type LogitsProcessor, suppressTokens, temperatureScale, topKFilter, topPFilter } from './sampling/logits-processors.ts';
import { createRng } from './sampling/rng.ts';
import { argmax, greedySampler, multinomialSampler, type Sampler } from './sampling/samplers.ts';
import { firstStop, stopAtMaxTokens, stopOnEos } from './sampling/stopping-criteria.ts';
import { buildResult } from './result.ts';
import { resolveSettings } from './settings.ts';
import type { DecodingSettings, Engine, GenerateOptions, GenerationRequest, GenerationResult, StopReason } from './types.ts';

/** The cache tensors' names in the optimum/transformers.js export convention. */
function cacheNames(session: ort.InferenceSession, numLayers: number) {
  const names = Array.from({ length: numLayers }, (_, i) => ({
    pastKey: `past_key_values.${i}.key`,
    pastValue: `past_key_values.${i}.value`,
    presentKey: `present.${i}.key`,
    presentValue: `present.${i}.value`,
  }));
  const missing = names.flatMap((n) => [n.pastKey, n.pastValue]).filter((n) => !session.inputNames.includes(n));
  if (missing.length > 0) throw new ModelConfigError(`the AR export has no KV-cache inputs (missing ${missing[0]}): re-export it with past_key_values`);
  return names;
}

function int64(values: readonly number[], dims: number[]): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', data, dims);
}

/** Builds the per-step pipeline: logits processors then a sampler, from the resolved settings. */
function tokenChooser(settings: DecodingSettings, eosTokenId: number): (logits: Float32Array, generated: number) => number {
  if (settings.temperature === 0 && settings.minNewTokens === 0) return (logits) => argmax(logits); // the hot greedy path: no copies
  const rng = createRng(settings.seed);
  const sampler: Sampler = settings.temperature === 0 ? greedySampler : multinomialSampler(rng);
  const sampling: LogitsProcessor[] =
    settings.temperature === 0 ? [] : [temperatureScale(settings.temperature), topKFilter(settings.topK), topPFilter(settings.topP)];
  const withEos = composeProcessors(sampling);
  const withoutEos = composeProcessors([suppressTokens([eosTokenId]), ...sampling]);
  return (logits, generated) => sampler((generated < settings.minNewTokens ? withoutEos : withEos)(Float64Array.from(logits)));
}

export function createAutoregressiveEngine(model: LoadedModel): Engine {
  const { session, config, tokenizer } = model;
  const layers = cacheNames(session, config.numLayers);
  const vocab = config.vocabSize;

  async function generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const started = performance.now();
    const promptIds = tokenizer.encode(request.prompt);
    const settings = resolveSettings('autoregressive', request.settings ?? {}, promptIds.length, config.contextLength);
    const choose = tokenChooser(settings, config.eosTokenId);
    const stopping = [stopOnEos(config.eosTokenId), stopAtMaxTokens(settings.maxNewTokens)];
    options.onEvent?.({ type: 'start', engine: 'autoregressive', promptTokens: promptIds.length, length: settings.maxNewTokens });

    const emptyCache = new ort.Tensor('float32', new Float32Array(0), [1, config.numKeyValueHeads, 0, config.headDim]);
    const feeds: Record<string, ort.Tensor> = {};
    for (const l of layers) feeds[l.pastKey] = feeds[l.pastValue] = emptyCache;
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
      feeds.position_ids = int64(stepIds.map((_, i) => pastLength + i), [1, stepIds.length]);
      const t0 = performance.now();
      const out = await session.run(feeds);
      forwardMs.push(performance.now() - t0);

      const logits = out.logits!.data as Float32Array;
      const tokenId = choose(logits.subarray((stepIds.length - 1) * vocab, stepIds.length * vocab), generated.length);
      generated.push(tokenId);
      for (const l of layers) {
        feeds[l.pastKey] = out[l.presentKey]!;
        feeds[l.pastValue] = out[l.presentValue]!;
      }
      pastLength = total;
      stepIds = [tokenId];
      const elapsedMs = performance.now() - started;
      if (generated.length === 1) ttftMs = elapsedMs;
      options.onEvent?.({ type: 'token', index: generated.length - 1, tokenId, text: tokenizer.tokenText(tokenId), elapsedMs });
      stopReason = firstStop(stopping, generated);
    }

    const tokenIds = generated.at(-1) === config.eosTokenId ? generated.slice(0, -1) : generated;
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: promptIds.length, settings, started, ttftMs, forwardMs });
  }

  return { kind: 'autoregressive', modelId: model.info.id, generate };
}
