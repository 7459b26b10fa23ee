// Masked-diffusion decoding (LLaDA-style): the canvas is prompt + L <mask> tokens; every step runs the
// bidirectional model over the whole canvas and commits some masked positions of the current block.
// Committed tokens are never re-masked. Output = canvas after the prompt, up to the first <eos>.
import * as ort from 'onnxruntime-node';
import { abilitiesOf, type LoadedModel } from '../loaded-model.ts';
import { createRng } from '../sampling/rng.ts';
import { buildResult } from '../result.ts';
import { resolveSettings, settingsProblemFor } from '../settings.ts';
import {
  type CommittedToken,
  type Engine,
  type GenerateOptions,
  type GenerationRequest,
  type GenerationResult,
  SettingsError,
  type StopReason,
} from '../types.ts';
import { createBlockCache, type WindowLogits } from './block-cache.ts';
import { tokensPerStep } from './schedule.ts';
import { proposeToken } from './scoring.ts';
import { type Candidate, selectPositionsToCommit, type UnmaskingRule } from './unmasking-policy.ts';

/** True once the output is fixed: some <eos> is committed and every position before it is committed. */
export function outputIsSettled(answer: Int32Array, maskId: number, eosId: number): boolean {
  for (let i = 0; i < answer.length; i++) {
    if (answer[i] === maskId) return false;
    if (answer[i] === eosId) return true;
  }
  return true; // no mask left at all
}

export function createDiffusionEngine(model: LoadedModel): Engine {
  const { session, config, tokenizer } = model;
  const vocab = config.vocabSize;
  const maskId = config.maskTokenId!;
  const eosId = config.eosTokenId;
  const usesAttentionMask = session.inputNames.includes('attention_mask');
  // Which logits row predicts canvas position i: i itself (aligned), or i-1 (shifted; Dream's rule keeps row
  // 0 for position 0, which is always prompt here since prompts are never empty).
  const rowShift = config.diffusionLogits === 'shifted' ? 1 : 0;

  async function generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const started = performance.now();
    const promptIds = tokenizer.encode(request.prompt);
    const settings = resolveSettings('diffusion', request.settings ?? {}, promptIds.length, config.contextLength);
    const { maxNewTokens: length, blockLength, remasking, temperature, threshold, factor, minNewTokens, cache } = settings;
    const problem = settingsProblemFor(abilitiesOf(model), settings);
    if (problem) throw new SettingsError(problem);
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

    decoding: for (let block = 0; block < blocks; block++) {
      const blockStart = block * blockLength;
      const blockEnd = blockStart + blockLength;
      // With a cache, the window a step runs: from the row that predicts the block's first position (one
      // earlier for shifted logits) to the block's end (dual) or the canvas's end (prefix).
      const windowStart = prompt + blockStart - rowShift;
      const windowEnd = cache === 'dual' ? prompt + blockEnd : total;
      // Fixed-step modes follow LLaDA's schedule; threshold and factor modes keep stepping until the block is full.
      const schedule = threshold === null && factor === null ? tokensPerStep(blockLength, stepsPerBlock) : null;
      for (let blockStep = 0; ; blockStep++) {
        const masked: number[] = [];
        for (let p = blockStart; p < blockEnd; p++) if (answer[p] === maskId) masked.push(p);
        if (masked.length === 0 || (schedule && blockStep >= schedule.length)) break;
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
          const suppressed = position < minNewTokens ? eosId : -1;
          const proposal = proposeToken(logits, (prompt + position - rowShift - view.start) * vocab, vocab, remasking, temperature, rng, maskId, suppressed);
          proposedIds[position - blockStart] = proposal.tokenId;
          proposedConfidences[position - blockStart] = proposal.confidence;
          return { position, confidence: proposal.confidence };
        });
        const rule: UnmaskingRule = schedule
          ? { mode: 'count', count: schedule[blockStep]! }
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
        if (outputIsSettled(answer, maskId, eosId)) break decoding; // the rest cannot change the output
      }
    }

    const end = answer.indexOf(eosId);
    const tokenIds = Array.from(answer.subarray(0, end === -1 ? length : end)).filter((id) => id !== maskId);
    stopReason ??= end === -1 ? 'max_tokens' : 'eos';
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: prompt, settings, started, ttftMs, forwardMs });
  }

  return { kind: 'diffusion', modelId: model.info.id, generate };
}
