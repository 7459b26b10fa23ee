// Masked-diffusion decoding (LLaDA-style): the canvas is prompt + L <mask> tokens; every step runs the
// bidirectional model over the whole canvas and commits some masked positions of the current block.
// Committed tokens are never re-masked. Output = canvas after the prompt, up to the first stop id (<eos>, or a
// published family's end-of-turn token). Fixed steps follow LLaDA's or Dream's schedule (the "schedule" setting).
import * as ort from 'onnxruntime-node';
import { abilitiesOf, type LoadedModel } from '../loaded-model.ts';
import { createRng } from '../sampling/rng.ts';
import { buildResult } from '../result.ts';
import { engineFromSteps, type EngineSteps } from '../engine-steps.ts';
import { withGenerationDefaults } from '../generation-config.ts';
import { resolveSettings, settingsProblemFor } from '../settings.ts';
import { type CommittedToken, type Engine, SettingsError, type StopReason } from '../types.ts';
import { createBlockCache, type WindowLogits } from './block-cache.ts';
import { dreamRevealProbability, dreamTimesteps, dreamTokensThisStep, tokensPerStep } from './schedule.ts';
import { proposeToken } from './scoring.ts';
import { firstStopIndex, outputIsSettled } from './stop-ids.ts';
import { type Candidate, selectPositionsToCommit, type UnmaskingRule } from './unmasking-policy.ts';

export { outputIsSettled };

export function createDiffusionEngine(model: LoadedModel): Engine {
  const { session, config, tokenizer } = model;
  const vocab = config.vocabSize;
  const maskId = config.maskTokenId!;
  const stopIds = config.eosTokenIds; // EOS and, for published families, their end-of-turn tokens
  const usesAttentionMask = session.inputNames.includes('attention_mask');
  // Which logits row predicts canvas position i: i itself (aligned), or i-1 (shifted; Dream's rule keeps row
  // 0 for position 0, which is always prompt here since prompts are never empty).
  const rowShift = config.diffusionLogits === 'shifted' ? 1 : 0;

  const resolveRequestSettings: EngineSteps['resolveSettings'] = (request) => {
    const given = withGenerationDefaults(config.generationDefaults, request.settings ?? {}); // a family's schedule (Dream's)
    const settings = resolveSettings('diffusion', given, tokenizer.encodePrompt(request.prompt).length, config.contextLength);
    const problem = settingsProblemFor(abilitiesOf(model), settings);
    if (problem) throw new SettingsError(problem);
    return settings;
  };

  const decode: EngineSteps['decode'] = async (request, options) => {
    const started = performance.now();
    const promptIds = tokenizer.encodePrompt(request.prompt); // again, inside the timing: TTFT includes tokenisation (a BOS where the tokenizer adds one, as LLaDA's does)
    const { settings } = request;
    const { maxNewTokens: length, blockLength, remasking, temperature, threshold, factor, minNewTokens, cache, schedule: sampler } = settings;
    const blockCache = cache === 'none' ? null : createBlockCache(model.cachedSession!, config);
    const rng = createRng(settings.seed);
    const prompt = promptIds.length;
    const total = prompt + length;
    options.onEvent?.({ type: 'start', engine: 'diffusion', promptTokens: prompt, length });

    const canvas = new BigInt64Array(total).fill(BigInt(maskId));
    promptIds.forEach((id, i) => (canvas[i] = BigInt(id)));
    const answer = new Int32Array(length).fill(maskId); // mirror of the answer part, as numbers
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', canvas, [1, total]) };
    if (usesAttentionMask) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);

    const proposedIds = new Int32Array(blockLength);
    const proposedConfidences = new Float64Array(blockLength);
    const blocks = length / blockLength;
    const stepsPerBlock = settings.steps / blocks;
    const forwardMs: number[] = [];
    let ttftMs = 0;
    let step = 0;
    let stopReason: StopReason | null = null;
    // Fixed-step modes commit by the schedule (LLaDA's even split of the block, or Dream's timesteps, where
    // "random" remasking is Dream's "origin": each masked position revealed with probability 1 − s/t);
    // threshold and factor modes keep stepping until the block is full.
    const fixedSteps = threshold === null && factor === null;
    const even = tokensPerStep(blockLength, stepsPerBlock);
    const timesteps = dreamTimesteps(stepsPerBlock);
    const fixedStepRule = (blockStep: number, maskedCount: number): UnmaskingRule => {
      if (sampler === 'llada') return { mode: 'count', count: even[blockStep]! };
      if (remasking === 'random') return { mode: 'below', probability: dreamRevealProbability(blockStep, timesteps) };
      return { mode: 'count', count: dreamTokensThisStep(maskedCount, blockStep, timesteps) };
    };

    decoding: for (let block = 0; block < blocks; block++) {
      const blockStart = block * blockLength;
      const blockEnd = blockStart + blockLength;
      // With a cache, the window a step runs: from the row that predicts the block's first position (one
      // earlier for shifted logits) to the block's end (dual) or the canvas's end (prefix).
      const windowStart = prompt + blockStart - rowShift;
      const windowEnd = cache === 'dual' ? prompt + blockEnd : total;
      for (let blockStep = 0; ; blockStep++) {
        const masked: number[] = [];
        for (let p = blockStart; p < blockEnd; p++) if (answer[p] === maskId) masked.push(p);
        if (masked.length === 0 || (fixedSteps && blockStep >= stepsPerBlock)) break;
        if (options.signal?.aborted) {
          stopReason = 'cancelled';
          break decoding;
        }
        const t0 = performance.now();
        let view: WindowLogits;
        if (!blockCache) view = { logits: (await session.run(feeds)).logits!.data as Float32Array, start: 0 };
        else if (blockStep === 0) {
          view = await blockCache.refresh(canvas); // the block's first step: every position, cache refreshed
          blockCache.keep(
            cache === 'dual'
              ? [
                  [0, windowStart],
                  [windowEnd, total],
                ]
              : [[0, windowStart]],
          );
        } else view = await blockCache.window(canvas, windowStart, windowEnd);
        forwardMs.push(performance.now() - t0);
        const { logits } = view;

        // Proposals for this step's masked positions, kept by offset in the block (typed arrays: no per-step Map).
        const candidates: Candidate[] = masked.map((position) => {
          const suppressed = position < minNewTokens ? stopIds : [];
          const proposal = proposeToken(logits, (prompt + position - rowShift - view.start) * vocab, vocab, remasking, temperature, rng, maskId, suppressed);
          proposedIds[position - blockStart] = proposal.tokenId;
          proposedConfidences[position - blockStart] = proposal.confidence;
          return { position, confidence: proposal.confidence };
        });
        const rule: UnmaskingRule = fixedSteps
          ? fixedStepRule(blockStep, masked.length)
          : threshold !== null
            ? { mode: 'threshold', threshold }
            : { mode: 'factor', factor: factor! };
        const committed: CommittedToken[] = selectPositionsToCommit(candidates, rule).map((position) => {
          const tokenId = proposedIds[position - blockStart]!;
          answer[position] = tokenId;
          canvas[prompt + position] = BigInt(tokenId);
          return { position, tokenId, text: tokenizer.tokenText(tokenId), confidence: proposedConfidences[position - blockStart]! };
        });
        const elapsedMs = performance.now() - started;
        if (step === 0) ttftMs = elapsedMs;
        options.onEvent?.({ type: 'step', step, block, committed, elapsedMs });
        step++;
        if (outputIsSettled(answer, maskId, stopIds)) break decoding; // the rest cannot change the output
      }
    }

    const end = firstStopIndex(answer, stopIds);
    const tokenIds = Array.from(answer.subarray(0, end === -1 ? length : end)).filter((id) => id !== maskId);
    stopReason ??= end === -1 ? 'max_tokens' : 'eos';
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: prompt, settings, started, ttftMs, forwardMs });
  };

  return engineFromSteps({ kind: 'diffusion', modelId: model.info.id, resolveSettings: resolveRequestSettings, decode });
}
