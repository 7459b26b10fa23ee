// Test-only models for the block diffusion engine: a block-diffusion folder built from the bundled diffusion
// model's cached graph (the same KV-cache interface, bidirectional among the new positions), used until and
// beside the trained block model; and a scripted model whose "logits" spell out a fixed answer, so the
// sampler's control flow (NFE, stopping, trimming) can be checked exactly.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelInfo } from '../../models/discover.ts';
import type { LoadedModel } from '../loaded-model.ts';
import type { DecoderConfig } from '../model-config.ts';
import { DEFAULT_SESSION_SETTINGS } from '../types.ts';
import type { BlockContext } from './kv-cache.ts';

/** `dir/name`: the diffusion folder's tokenizer and config (decoding block_diffusion, `block_size`), its
 * onnx/model_cached.onnx linked as onnx/model.onnx. */
export function blockFolderFromDiffusion(diffusionDir: string, dir: string, blockSize: number, overrides: Record<string, unknown> = {}): string {
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(path.join(diffusionDir, file), path.join(dir, file));
  symlinkSync(path.join(diffusionDir, 'onnx', 'model_cached.onnx'), path.join(dir, 'onnx', 'model.onnx'));
  const config = JSON.parse(readFileSync(path.join(diffusionDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, decoding: 'block_diffusion', block_size: blockSize, ...overrides }));
  return dir;
}

export interface ScriptedCalls {
  prefill: number;
  denoise: number[]; // canvas start of each denoising forward
  append: number[]; // canvas start of each clean forward
}

/**
 * A model whose row at canvas position r puts a peak of `peak` logits on answer[r + 1 − p] (shifted logits),
 * 0 elsewhere, with `fallback` at 1 so a suppressed <eos> still has a runner-up. Positions past the script
 * predict `fallback`. It checks that the engine feeds the cache in order. p is the prefill's length unless
 * `promptTokens` is given (Fast-dLLM v2's sampler prefills only the prompt's whole blocks, or nothing).
 */
export function scriptedModel(
  base: LoadedModel,
  answer: readonly number[],
  o: { blockSize: number; peak?: number; fallback: number; promptTokens?: number },
): { model: LoadedModel; calls: ScriptedCalls; context: () => BlockContext } {
  const config: DecoderConfig = { ...base.config, decoding: 'block_diffusion', blockSize: o.blockSize, diffusionLogits: 'shifted' };
  const vocab = config.vocabSize;
  const calls: ScriptedCalls = { prefill: 0, denoise: [], append: [] };
  let prompt = o.promptTokens ?? 0;
  let cached = 0;
  const rows = (start: number, count: number) => {
    const out = new Float32Array(count * vocab);
    for (let r = 0; r < count; r++) {
      const target = answer[start + r + 1 - prompt] ?? o.fallback;
      out[r * vocab + o.fallback] = 1;
      out[r * vocab + target] = o.peak ?? 10;
    }
    return out;
  };
  const context = (): BlockContext => ({
    async prefill(ids) {
      calls.prefill++;
      prompt = o.promptTokens ?? ids.length;
      cached = ids.length;
      return rows(prompt - 1, 1);
    },
    async denoise(ids, start) {
      if (start !== cached) throw new Error(`denoise at ${start}, cache holds ${cached}`);
      calls.denoise.push(start);
      return rows(start, ids.length);
    },
    async append(ids, start) {
      if (start !== cached) throw new Error(`append at ${start}, cache holds ${cached}`);
      if (ids.includes(BigInt(config.maskTokenId!))) throw new Error('a block with <mask> joined the cache');
      calls.append.push(start);
      cached += ids.length;
      return rows(start + ids.length - 1, 1);
    },
  });
  const info = { ...base.info, id: 'scripted-block-model' } as ModelInfo;
  const model: LoadedModel = { info, config, tokenizer: base.tokenizer, session: base.session, cachedSession: null, sessionSettings: DEFAULT_SESSION_SETTINGS };
  return { model, calls, context };
}
