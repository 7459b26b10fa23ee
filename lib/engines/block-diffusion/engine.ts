// Block diffusion (BD3-LM, Fast-dLLM v2, SDAR): causal across blocks, bidirectional inside one. The answer is
// decoded one block of B positions at a time, each block denoised in parallel from all-<mask> with the exact
// KV cache of the prompt and the finished blocks; decoding stops after the block that settles <eos>, so
// `maxNewTokens` is a cap (rounded up to whole blocks), not a length. Must equal the recipe's
// block_diffusion_generate (models/train) token for token.
import type { LoadedModel } from '../loaded-model.ts';
import { ModelConfigError } from '../model-config.ts';
import { buildResult } from '../result.ts';
import { createRng } from '../sampling/rng.ts';
import { firstStopIndex } from '../diffusion/stop-ids.ts';
import { dreamRevealProbability, dreamTimesteps, dreamTokensThisStep, tokensPerStep } from '../diffusion/schedule.ts';
import { withGenerationDefaults } from '../generation-config.ts';
import { proposeToken } from '../diffusion/scoring.ts';
import { type Candidate, selectPositionsToCommit, type UnmaskingRule } from '../diffusion/unmasking-policy.ts';
import { engineFromSteps, type EngineSteps } from '../engine-steps.ts';
import type { CommittedToken, Engine, StopReason } from '../types.ts';
import { createDecodeRun } from './decode-run.ts';
import { type BlockContext, createExactBlockCache } from './kv-cache.ts';
import { blockCount, resolveBlockDiffusionSettings, stepsPerBlock } from './settings.ts';

export interface BlockDiffusionInternals {
  /** Test-only: the model context (default: the exact KV cache over the model's session). */
  createContext?: (model: LoadedModel) => BlockContext;
}

export function createBlockDiffusionEngine(model: LoadedModel, internals: BlockDiffusionInternals = {}): Engine {
  const { config, tokenizer } = model;
  const vocab = config.vocabSize;
  const maskId = config.maskTokenId!;
  const stopIds = config.eosTokenIds; // EOS and, for published families, their end-of-turn tokens
  const blockSize = config.blockSize!;
  // Shifted logits: row r predicts position r + 1, so a block's first position is predicted by the row before
  // the block (`carry`, the last row of the previous forward) and position i ≥ 1 by the step's row i − 1.
  const shifted = config.diffusionLogits === 'shifted';
  const createContext = internals.createContext ?? ((m: LoadedModel) => createExactBlockCache(m.session, m.config));
  if (!internals.createContext && !model.session.inputNames.includes('past_key_values.0.key')) {
    throw new ModelConfigError(
      `${model.info.id}: a block diffusion onnx/model.onnx needs the KV-cache interface (past_key_values.*): export it as the cached graph`,
    );
  }

  const resolveRequestSettings: EngineSteps['resolveSettings'] = (request) =>
    resolveBlockDiffusionSettings(
      withGenerationDefaults(config.generationDefaults, request.settings ?? {}),
      tokenizer.encodePrompt(request.prompt).length,
      config.contextLength,
      blockSize,
    );

  const decode: EngineSteps['decode'] = async (request, options) => {
    const started = performance.now();
    const promptIds = tokenizer.encodePrompt(request.prompt); // again, inside the timing: TTFT includes tokenisation
    const { settings } = request;
    const { maxNewTokens: cap, remasking, temperature, threshold, factor, minNewTokens, schedule: sampler } = settings;
    const blocks = blockCount(cap, blockSize);
    const perBlock = stepsPerBlock(settings.steps, blockSize, cap);
    // Fixed-step modes follow LLaDA's schedule or Dream's (whose last step reveals every remaining position);
    // threshold and factor modes keep stepping until the block is full.
    const even = tokensPerStep(blockSize, perBlock);
    const timesteps = dreamTimesteps(perBlock);
    const rule = (blockStep: number, maskedCount: number): UnmaskingRule => {
      if (threshold !== null) return { mode: 'threshold', threshold };
      if (factor !== null) return { mode: 'factor', factor };
      if (sampler === 'llada') return { mode: 'count', count: even[blockStep]! };
      if (remasking === 'random') return { mode: 'below', probability: dreamRevealProbability(blockStep, timesteps) };
      return { mode: 'count', count: dreamTokensThisStep(maskedCount, blockStep, timesteps) };
    };
    const rng = createRng(settings.seed);
    const prompt = promptIds.length;
    options.onEvent?.({ type: 'start', engine: 'block_diffusion', promptTokens: prompt, length: blocks * blockSize });

    const context = createContext(model);
    const answer = new Int32Array(blocks * blockSize).fill(maskId);
    const blockIds = new BigInt64Array(blockSize);
    const proposedIds = new Int32Array(blockSize);
    const proposedConfidences = new Float64Array(blockSize);
    const run = createDecodeRun(started, options);
    const { timed, aborted } = run;

    let carry = aborted() ? null : await timed(() => context.prefill(BigInt64Array.from(promptIds, BigInt)));
    for (let block = 0; block < blocks && carry; block++) {
      const blockStart = block * blockSize;
      const canvasStart = prompt + blockStart;
      blockIds.fill(BigInt(maskId));
      options.onEvent?.({ type: 'block', block, start: blockStart, length: blockSize, elapsedMs: performance.now() - started });
      for (let blockStep = 0; ; blockStep++) {
        const masked: number[] = [];
        for (let i = 0; i < blockSize; i++) if (answer[blockStart + i] === maskId) masked.push(i);
        if (masked.length === 0) break;
        if (aborted()) break;
        const window = await timed(() => context.denoise(blockIds, canvasStart));
        const candidates: Candidate[] = masked.map((i) => {
          const [logits, row] = !shifted ? [window, i] : i === 0 ? [carry!, 0] : [window, i - 1];
          const suppressed = blockStart + i < minNewTokens ? stopIds : [];
          const proposal = proposeToken(logits, row * vocab, vocab, remasking, temperature, rng, maskId, suppressed);
          proposedIds[i] = proposal.tokenId;
          proposedConfidences[i] = proposal.confidence;
          return { position: i, confidence: proposal.confidence };
        });
        const committed: CommittedToken[] = selectPositionsToCommit(candidates, rule(blockStep, masked.length)).map((i) => {
          const tokenId = proposedIds[i]!;
          answer[blockStart + i] = tokenId;
          blockIds[i] = BigInt(tokenId);
          return { position: blockStart + i, tokenId, text: tokenizer.tokenText(tokenId), confidence: proposedConfidences[i]! };
        });
        run.emitStep(block, committed);
      }
      if (run.cancelled) break;
      // Every earlier block is complete, so any committed <eos> settles the output; the last block's keys and
      // values would never be read, so neither case pays for the clean forward.
      const settled = firstStopIndex(answer, stopIds, blockStart + blockSize) !== -1;
      if (settled || block === blocks - 1) break;
      if (aborted()) break;
      carry = await timed(() => context.append(blockIds, canvasStart));
    }

    const end = firstStopIndex(answer, stopIds, cap);
    const tokenIds = Array.from(answer.subarray(0, end === -1 ? cap : end)).filter((id) => id !== maskId);
    const stopReason: StopReason = run.cancelled ? 'cancelled' : end === -1 ? 'max_tokens' : 'eos';
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: prompt, settings, started, ttftMs: run.ttftMs, forwardMs: run.forwardMs });
  };

  return engineFromSteps({ kind: 'block_diffusion', modelId: model.info.id, resolveSettings: resolveRequestSettings, decode });
}
