// The diffusion engine against LLaDA's generate() in PyTorch (models/train/llada_reference.py) on the same
// weights, the same prompts and the same (length, steps), one block, low-confidence remasking, temperature 0.
// Prompts are copy items whose answer fills the canvas, so no <eos> lets the engine stop early: both sides run
// exactly `steps` forwards, and the token ids are compared so a speed-up can never come from doing less.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createEngine, loadModel } from '../lib/engines/index.ts';
import type { SessionSettings } from '../lib/engines/types.ts';
import { suiteRecords } from '../lib/harness/eval-records.ts';
import { median } from '../lib/harness/stats.ts';
import { projectRoot } from '../lib/paths.ts';

export const LLADA_CONFIGS: readonly (readonly [length: number, steps: number])[] = [
  [16, 16],
  [64, 64],
  [64, 16],
  [256, 64],
];
const PYTHON = '/usr/bin/python3';

export interface LladaComparison {
  threads: number;
  length: number;
  steps: number;
  engineMs: number;
  engineForwardMs: number; // median of one session.run inside the engine
  engineForwards: number;
  pytorchMs: number;
  ratio: number; // PyTorch median ÷ engine median
  sameTokens: boolean;
}

const untilEos = (ids: number[], eos: number) => (ids.includes(eos) ? ids.slice(0, ids.indexOf(eos)) : ids);

export function pytorchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

export async function diffusionVersusLlada(modelId: string, session: SessionSettings, threads: number, repeats: number): Promise<LladaComparison[]> {
  const model = await loadModel(modelId, { ...session, intraOpThreads: threads });
  const prompts = LLADA_CONFIGS.map(([length]) => suiteRecords('copy', [length], 1, 0)[0]!.prompt);
  const script = path.join(projectRoot(), 'models', 'train', 'llada_reference.py');
  const configs = LLADA_CONFIGS.map(([l, s]) => `${l}:${s}`).join(',');
  const child = spawnSync(
    PYTHON,
    [script, '--model', model.info.dir, '--threads', String(threads), '--configs', configs, '--prompts', JSON.stringify(prompts), '--repeats', String(repeats)],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
      maxBuffer: 64 << 20,
    },
  );
  if (child.status !== 0) throw new Error(`llada_reference.py failed: ${child.stderr.trim().split('\n').at(-1)}`);
  const reference = JSON.parse(child.stdout) as { results: { medianMs: number; tokenIds: number[] }[] };

  const engine = createEngine(model);
  const rows: LladaComparison[] = [];
  for (const [i, [length, steps]] of LLADA_CONFIGS.entries()) {
    const request = {
      prompt: prompts[i]!,
      settings: { maxNewTokens: length, steps, blockLength: length, remasking: 'low_confidence' as const, temperature: 0 },
    };
    await engine.generate(request); // warm-up, as the reference does
    const totals: number[] = [];
    const forwards: number[] = [];
    let tokenIds: number[] = [];
    let forwardPasses = 0;
    for (let r = 0; r < repeats; r++) {
      const result = await engine.generate(request);
      totals.push(result.timings.totalMs);
      forwards.push(...result.timings.forwardMs);
      tokenIds = result.tokenIds;
      forwardPasses = result.timings.forwardPasses;
    }
    const pytorchMs = reference.results[i]!.medianMs;
    const engineMs = median(totals);
    rows.push({
      threads,
      length,
      steps,
      engineMs,
      engineForwardMs: median(forwards),
      engineForwards: forwardPasses,
      pytorchMs,
      ratio: pytorchMs / engineMs,
      sameTokens: JSON.stringify(tokenIds) === JSON.stringify(untilEos(reference.results[i]!.tokenIds, model.config.eosTokenId)),
    });
  }
  return rows;
}
