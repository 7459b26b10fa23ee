// Fast-dLLM v2's own block sampler (Fast_dLLM_QwenForCausalLM.generate(), without its sub-block cache), for the
// model it was trained with. Unlike the recipe's sampler (engine.ts), blocks sit at absolute canvas positions:
// the prompt's whole blocks are prefilled into the KV cache and its last partial block heads the first block;
// a block is decoded sub-block by sub-block (8 tokens, generate()'s small_block_size) with the token shift (row
// i − 1 predicts position i), each step committing every masked token of the sub-block above the threshold and
// at least the most confident one (no threshold: one per step, generate()'s threshold = 1); a finished block is
// run once more into the cache and its last row's argmax is the next block's first token. The output stops at
// the first stop id with nothing masked before it. It is the published output cut at the cap: blocks are
// decoded until the cap is reached (published: max_new_tokens // bd_size blocks, however far into its block the
// prompt ends), and nothing past the cap is decoded (the sub-blocks after it, the last clean forward): each step
// commits only inside the current sub-block, so they could not change a token before it. Differences: a prompt
// of exactly one block is prefilled (published: not, so its first block is decoded without the prompt); every
// stop id of the folder ends the output (published: <|im_end|> only; the folder's eos ids include it). No
// `steps`: the threshold rule decides how many tokens a step commits.
import type { LoadedModel } from '../loaded-model.ts';
import { ModelConfigError } from '../model-config.ts';
import { buildResult } from '../result.ts';
import { createRng } from '../sampling/rng.ts';
import { argmax } from '../sampling/samplers.ts';
import { proposeToken } from '../diffusion/scoring.ts';
import { selectPositionsToCommit, type UnmaskingRule } from '../diffusion/unmasking-policy.ts';
import { engineFromSteps } from '../engine-steps.ts';
import { withGenerationDefaults } from '../generation-config.ts';
import type { DecodingSettings, Engine, GenerateOptions, GenerationRequest, GenerationResult, ResolvedRequest, StopReason } from '../types.ts';
import { createDecodeRun } from './decode-run.ts';
import type { BlockDiffusionInternals } from './engine.ts';
import { type BlockContext, createExactBlockCache } from './kv-cache.ts';
import { canvasEnd, resolveBlockDiffusionSettings } from './settings.ts';

/** generate()'s small_block_size: the sub-blocks a block is decoded in, left to right. */
export const FAST_DLLM_SMALL_BLOCK = 8;

export function createFastDllmV2Engine(model: LoadedModel, internals: BlockDiffusionInternals = {}): Engine {
  const { config, tokenizer } = model;
  const vocab = config.vocabSize;
  const maskId = config.maskTokenId!;
  const stopIds = config.eosTokenIds;
  const blockSize = config.blockSize!;
  const small = Math.min(FAST_DLLM_SMALL_BLOCK, blockSize);
  if (blockSize % small !== 0) throw new ModelConfigError(`${model.info.id}: Fast-dLLM v2's block size must be a multiple of ${small}, got ${blockSize}`);
  const shift = config.diffusionLogits === 'shifted' ? 1 : 0;
  const createContext = internals.createContext ?? ((m: LoadedModel) => createExactBlockCache(m.session, m.config));
  if (!internals.createContext && !model.session.inputNames.includes('past_key_values.0.key')) {
    throw new ModelConfigError(`${model.info.id}: a block diffusion onnx/model.onnx needs the KV-cache interface (past_key_values.*)`);
  }

  const resolveRequestSettings = (request: GenerationRequest): DecodingSettings =>
    resolveBlockDiffusionSettings(
      withGenerationDefaults(config.generationDefaults, request.settings ?? {}),
      tokenizer.encodePrompt(request.prompt).length,
      config.contextLength,
      blockSize,
      'fast_dllm_v2',
    );

  async function decode(request: ResolvedRequest, options: GenerateOptions): Promise<GenerationResult> {
    const started = performance.now();
    const promptIds = tokenizer.encodePrompt(request.prompt); // again, inside the timing: TTFT includes tokenisation
    const { settings } = request;
    const { maxNewTokens: cap, remasking, temperature, threshold, factor, minNewTokens } = settings;
    const rule: UnmaskingRule =
      threshold !== null ? { mode: 'threshold', threshold } : factor !== null ? { mode: 'factor', factor } : { mode: 'count', count: 1 };
    const rng = createRng(settings.seed);
    const prompt = promptIds.length;
    options.onEvent?.({ type: 'start', engine: 'block_diffusion', promptTokens: prompt, length: canvasEnd(prompt, cap, blockSize, 'fast_dllm_v2') - prompt });

    const context = createContext(model);
    const canvas: number[] = [...promptIds]; // the prompt, the answer so far, then the current block's masks
    const run = createDecodeRun(started, options);
    const { timed, aborted } = run;
    const firstStop = () => canvas.findIndex((id, i) => i >= prompt && stopIds.includes(id));
    /** A stop id is in the answer with nothing masked before it: the output cannot change. */
    const settled = () => {
      const stop = firstStop();
      return stop !== -1 && !canvas.slice(prompt, stop).includes(maskId);
    };
    const generated = () => canvas.length - prompt;
    /** The argmax of a clean forward's last row: the next block's first token, decoded autoregressively
     * (no stop id before minNewTokens, as for the denoised positions). */
    const appendToken = (row: Float32Array, block: number) => {
      const tokenId = generated() < minNewTokens ? proposeToken(row, 0, vocab, 'low_confidence', 0, rng, maskId, stopIds).tokenId : argmax(row);
      canvas.push(tokenId);
      run.emitStep(block, [{ position: canvas.length - 1 - prompt, tokenId, text: tokenizer.tokenText(tokenId), confidence: 1 }]);
    };

    let cached = 0;
    if (prompt >= blockSize && !aborted()) {
      cached = prompt - (prompt % blockSize);
      const last = await timed(() => context.prefill(BigInt64Array.from(promptIds.slice(0, cached), BigInt)));
      if (prompt % blockSize === 0) appendToken(last, 0);
    }
    for (let block = 0; generated() < cap && !run.cancelled; block++) {
      if (firstStop() !== -1) break;
      const blockStart = cached; // the block's first canvas position: whole blocks before it are in the cache
      const head = canvas.length - blockStart; // its tokens already known: the prompt's tail or the token from the last block
      canvas.push(...new Array<number>(blockSize - head).fill(maskId));
      options.onEvent?.({ type: 'block', block, start: blockStart + head - prompt, length: blockSize - head, elapsedMs: performance.now() - started });
      const blockIds = () => BigInt64Array.from(canvas.slice(blockStart, blockStart + blockSize), BigInt);
      for (let sub = 0; sub < blockSize / small && !run.cancelled; sub++) {
        const [from, to] = [blockStart + sub * small, blockStart + (sub + 1) * small];
        if (from - prompt >= cap) break; // decoded after everything before it: it cannot change the output
        for (;;) {
          const masked = canvas.slice(from, to).flatMap((id, i) => (id === maskId ? [from + i] : []));
          if (masked.length === 0 || settled() || aborted()) break;
          const rows = await timed(() => context.denoise(blockIds(), blockStart));
          const proposals = new Map<number, { tokenId: number; confidence: number }>();
          const candidates = masked.map((position) => {
            const row = Math.max(position - blockStart - shift, 0);
            const suppressed = position - prompt < minNewTokens ? stopIds : [];
            const proposal = proposeToken(rows, row * vocab, vocab, remasking, temperature, rng, maskId, suppressed);
            proposals.set(position, proposal);
            return { position, confidence: proposal.confidence };
          });
          const committed = selectPositionsToCommit(candidates, rule).map((position) => {
            const { tokenId, confidence } = proposals.get(position)!;
            canvas[position] = tokenId;
            return { position: position - prompt, tokenId, text: tokenizer.tokenText(tokenId), confidence };
          });
          run.emitStep(block, committed);
        }
      }
      // Settled, or the cap reached: the clean forward's token would change nothing or be trimmed.
      if (settled() || generated() >= cap || aborted()) break;
      appendToken(await timed(() => context.append(blockIds(), blockStart)), block + 1);
      cached += blockSize;
    }

    const answer = canvas.slice(prompt, prompt + cap);
    const stop = answer.findIndex((id) => stopIds.includes(id));
    const tokenIds = (stop === -1 ? answer : answer.slice(0, stop)).filter((id) => id !== maskId);
    const stopReason: StopReason = run.cancelled ? 'cancelled' : stop === -1 ? 'max_tokens' : 'eos';
    return buildResult({ tokenizer, tokenIds, stopReason, promptTokens: prompt, settings, started, ttftMs: run.ttftMs, forwardMs: run.forwardMs });
  }

  return engineFromSteps({ kind: 'block_diffusion', modelId: model.info.id, resolveSettings: resolveRequestSettings, decode });
}
