// Stored runs for unit tests of the statistics: every column filled with a plain default, the test says what
// differs. (Test-only; nothing outside *.test.ts imports it.)
import type { Run } from '../db/runs.ts';

let nextId = 0;

export function makeRun(fields: Partial<Run> & Pick<Run, 'engine'>): Run {
  nextId++;
  return {
    id: String(nextId),
    experimentId: 'e',
    modelId: fields.engine,
    modelSha256: 'x',
    taskId: 'copy',
    itemId: 'copy-0',
    prompt: 'p',
    requestedLength: 64,
    settings: { seed: 0, stopReason: 'eos' },
    outputText: '',
    generatedTokens: 64,
    ttftMs: 1,
    totalMs: 10,
    forwardPasses: 4,
    passed: true,
    error: null,
    cellKey: `${fields.engine}|${nextId}`,
    setting: 'default',
    sample: 0,
    latencyOnly: false,
    timings: null,
    remote: false,
    host: null,
    failure: null,
    promptTokens: null,
    tokensEstimated: false,
    costUsd: null,
    worker: null,
    workerEnv: null,
    createdAt: new Date(0),
    ...fields,
  };
}
