// The shared measuring loop on a scripted engine: warm-up untimed, repeats and their medians, a failed remote
// request failing only its record, and every answer checked in one batch by the task suite's checkers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemoteRequestError } from '../engines/remote/errors.ts';
import { engineFromSteps } from '../engines/engine-steps.ts';
import type { DecodingSettings, Engine, GenerationResult, ResolvedRequest } from '../engines/types.ts';
import { generateRecord } from '../tasks/generate.ts';
import { findFamily } from '../tasks/registry.ts';
import { runRecords } from './run-records.ts';

/** Answers each prompt with `answers[prompt]` after `ms[call]` milliseconds; "fail" throws a remote failure. */
function scriptedEngine(answers: Record<string, string>, ms: number[]): Engine & { calls: string[]; resolved: string[] } {
  const calls: string[] = [];
  const resolved: string[] = [];
  const engine = engineFromSteps({
    kind: 'autoregressive',
    modelId: 'scripted',
    resolveSettings(request) {
      resolved.push(request.prompt);
      return { maxNewTokens: 4 } as DecodingSettings;
    },
    async decode(request: ResolvedRequest): Promise<GenerationResult> {
      const totalMs = ms[calls.length] ?? 1;
      calls.push(request.prompt);
      const text = answers[request.prompt]!;
      if (text === 'fail') throw new RemoteRequestError('503 three times', 'retries-exhausted', 503);
      return {
        text,
        tokenIds: [],
        stopReason: 'eos',
        promptTokens: 1,
        settings: request.settings,
        timings: { ttftMs: totalMs / 2, totalMs, forwardPasses: 1, forwardMs: [totalMs], generatedTokens: text.length, tokensPerSecond: text.length / totalMs },
      };
    },
  });
  return { ...engine, calls, resolved };
}

test('warm-up runs untimed on the first record, then each record is timed `repeats` times with its medians', async () => {
  const engine = scriptedEngine({ a: 'x', b: 'y' }, [999, 10, 30, 20, 5, 7, 6]);
  const requests = [engine.resolve({ prompt: 'a' }), engine.resolve({ prompt: 'b' })];
  const runs = await runRecords(
    engine,
    requests.map((request) => ({ request })),
    { warmup: 1, repeats: 3 },
  );
  assert.deepEqual(engine.calls, ['a', 'a', 'a', 'a', 'b', 'b', 'b']);
  assert.deepEqual(engine.resolved, ['a', 'b'], 'each record is resolved once by its caller, never again for the warm-up or a repeat');
  assert.equal(runs[0]!.results[2]!.settings, requests[0]!.settings, 'every repeat decodes the resolved settings themselves');
  assert.equal(runs[0]!.medianTotalMs, 20); // 10, 30, 20: the 999 ms warm-up never counts
  assert.equal(runs[1]!.medianTotalMs, 6);
  assert.equal(runs[0]!.results.length, 3);
  assert.equal(runs[0]!.passed, null, 'not checked when no task record is given');
});

test('a failed remote request fails its record only; answers are checked by the task suite in one batch', async () => {
  const copy = findFamily('copy')!;
  const [ok, wrong, failed] = [0, 1, 2].map((i) => generateRecord(copy, 6, 0, i, 'eval'));
  const engine = scriptedEngine({ [ok!.prompt]: ok!.answer, [wrong!.prompt]: 'nope', [failed!.prompt]: 'fail' }, []);
  const runs = await runRecords(
    engine,
    [ok!, wrong!, failed!].map((record) => ({ request: engine.resolve({ prompt: record.prompt }), check: { record, completion: (text: string) => text } })),
    { warmup: 0 },
  );
  assert.deepEqual(
    runs.map((r) => r.passed),
    [true, false, false],
  );
  assert.ok(runs[1]!.checkError, 'a wrong answer says why');
  assert.equal(runs[2]!.failure?.message, '503 three times');
  assert.deepEqual(runs[2]!.results, []);
  assert.ok(Number.isNaN(runs[2]!.medianTotalMs));
});

test('any other error is not swallowed', async () => {
  const engine: Engine = engineFromSteps({
    kind: 'autoregressive',
    modelId: 'broken',
    resolveSettings: () => ({}) as DecodingSettings,
    decode: async () => {
      throw new TypeError('bug');
    },
  });
  await assert.rejects(runRecords(engine, [{ request: engine.resolve({ prompt: 'a' }) }], { warmup: 0 }), TypeError);
});

test("an engine refuses a request another engine resolved (its settings fit the other model's context and defaults)", async () => {
  const engine = scriptedEngine({ a: 'x' }, []);
  const other = engineFromSteps({ kind: 'diffusion', modelId: 'other', resolveSettings: () => ({}) as DecodingSettings, decode: engine.decode });
  await assert.rejects(other.decode(engine.resolve({ prompt: 'a' })), /resolved for scripted cannot be decoded by other/);
  assert.equal((await engine.decode(engine.resolve({ prompt: 'a' }))).text, 'x');
});
