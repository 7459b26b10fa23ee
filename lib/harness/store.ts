// Saves a decoding result as a Run of an experiment, with everything needed to reproduce it.
import { recordRun, type Run } from '../db/runs.ts';
import type { LoadedModel } from '../engines/loaded-model.ts';
import type { GenerationResult } from '../engines/types.ts';

export async function storeResult(
  experimentId: string,
  model: LoadedModel,
  prompt: string,
  result: GenerationResult,
  extra: { taskId?: string | null; itemId?: string | null; passed?: boolean | null; error?: string | null } = {},
): Promise<Run> {
  return recordRun({
    experimentId,
    engine: model.config.decoding,
    modelId: model.info.id,
    modelSha256: model.info.sha256!,
    prompt,
    requestedLength: result.settings.maxNewTokens,
    settings: { ...result.settings, session: model.sessionSettings, stopReason: result.stopReason },
    outputText: result.text,
    generatedTokens: result.timings.generatedTokens,
    ttftMs: result.timings.ttftMs,
    totalMs: result.timings.totalMs,
    forwardPasses: result.timings.forwardPasses,
    ...extra,
  });
}
