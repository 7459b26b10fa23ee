// The shared measuring loop on a scripted engine: warm-up untimed, repeats and their medians, a failed remote
// request failing only its record, and every answer checked in one batch by the task suite's checkers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemoteRequestError } from '../engines/remote/errors.ts';
import type { Engine, GenerationRequest, GenerationResult } from '../engines/types.ts';
import { generateRecord } from '../tasks/generate.ts';
import { findFamily } from '../tasks/registry.ts';
import { runRecords } from './run-records.ts';

/** Answers each prompt with `answers[prompt]` after `ms[call]` milliseconds; "fail" throws a remote failure. */
function scriptedEngine(answers: Record<string, string>, ms: number[]): Engine & { calls: string[] } {
  const calls: string[] = [];
  return {
    kind: 'autoregressive',
    modelId: 'scripted',
    calls,
    async generate(request: GenerationRequest): Promise<GenerationResult> {
      const totalMs = ms[calls.length] ?? 1;
      calls.push(request.prompt);
      const text = answers[request.prompt]!;
      if (text === 'fail') throw new RemoteRequestError('503 three times', 'retries-exhausted', 503);
      return {
        text,
        tokenIds: [],
        stopReason: 'eos',
        promptTokens: 1,
        settings: {} as GenerationResult['settings'],
        timings: { ttftMs: totalMs / 2, totalMs, forwardPasses: 1, forwardMs: [totalMs], generatedTokens: text.length, tokensPerSecond: text.length / totalMs },
      };
    },
  };
}

test('warm-up runs untimed on the first record, then each record is timed `repeats` times with its medians', async () => {
  const engine = scriptedEngine({ a: 'x', b: 'y' }, [999, 10, 30, 20, 5, 7, 6]);
  const runs = await runRecords(
    engine,
    [
      { prompt: 'a', settings: {} },
      { prompt: 'b', settings: {} },
    ],
    { warmup: 1, repeats: 3 },
  );
  assert.deepEqual(engine.calls, ['a', 'a', 'a', 'a', 'b', 'b', 'b']);
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
    [ok!, wrong!, failed!].map((record) => ({ prompt: record.prompt, settings: {}, check: { record, completion: (text: string) => text } })),
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
  const engine: Engine = {
    kind: 'autoregressive',
    modelId: 'broken',
    generate: async () => {
      throw new TypeError('bug');
    },
  };
  await assert.rejects(runRecords(engine, [{ prompt: 'a', settings: {} }], { warmup: 0 }), TypeError);
});
