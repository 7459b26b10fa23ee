import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeConstantSteps } from './constant-steps.ts';
import { judgeFastAtMatchedQuality } from './fast-at-matched-quality.ts';
import { judgeFixedLength } from './fixed-length.ts';
import { judgeGapWidens, turningPoint } from './gap-widens.ts';
import { logLogSlope, logLogSlopeInterval } from './log-slope.ts';
import { matchesQuality } from './matched.ts';
import { judgeSequentialReasoning } from './sequential-reasoning.ts';
import { ar, canvas, cell } from './test-aggregates.ts';

const diff = (task: string, length: number, setting: string, passed: number, n: number, speedup?: [number, number, number], nfe?: number) =>
  cell('diffusion', task, length, setting, passed, n, { speedup, nfe });

test('matched quality: within 2 points and overlapping Wilson intervals', () => {
  assert.equal(matchesQuality(diff('code', 8, 'a', 30, 30), ar('code', 8, 30)), true);
  assert.equal(matchesQuality(diff('code', 8, 'a', 29, 30), ar('code', 8, 30)), false, '3.3 points is more than 2');
  assert.equal(matchesQuality(diff('code', 8, 'a', 98, 100), ar('code', 8, 100, 100)), true);
});

test('claim 1 holds when the fastest matched setting is ≥ 4× at every length', () => {
  const result = judgeFastAtMatchedQuality({
    aggregates: [8, 16].flatMap((L) => [
      ar('code', L, 30),
      diff('code', L, 'threshold=0.9', 30, 30, [6, 4.5, 7]),
      diff('code', L, 'steps=L', 30, 30, [1.2, 1, 1.4]),
      diff('code', L, 'steps=L/4', 20, 30, [9, 8, 10]),
    ]),
  });
  assert.equal(result.verdict, 'holds');
  assert.match(result.details[0]!, /threshold=0\.9/, 'the unmatched faster setting is not chosen');
  assert.deepEqual(
    result.chart.series[0]!.points.map((p) => p.value),
    [6, 6],
  );
});

test('claim 1 does not hold when no setting matches at a length, or the match is clearly slower than 4×', () => {
  const noMatch = judgeFastAtMatchedQuality({ aggregates: [ar('code', 32, 30), diff('code', 32, 'threshold=0.9', 15, 30, [6, 5, 7])] });
  assert.equal(noMatch.verdict, 'does not hold');
  assert.match(noMatch.details[0]!, /no diffusion setting matches/);
  const slow = judgeFastAtMatchedQuality({ aggregates: [ar('code', 8, 30), diff('code', 8, 'steps=L', 30, 30, [1.5, 1.2, 1.9])] });
  assert.equal(slow.verdict, 'does not hold');
});

test('claim 1 has not enough evidence with fewer than 30 items, or an interval straddling 4×', () => {
  assert.equal(judgeFastAtMatchedQuality({ aggregates: [ar('code', 8, 10, 10), diff('code', 8, 'a', 10, 10, [6, 5, 7])] }).verdict, 'not enough evidence');
  assert.equal(judgeFastAtMatchedQuality({ aggregates: [ar('code', 8, 30), diff('code', 8, 'a', 30, 30, [4.2, 3, 6])] }).verdict, 'not enough evidence');
  assert.equal(judgeFastAtMatchedQuality({ aggregates: [] }).verdict, 'not enough evidence');
});

test('log–log slope: exact on a power law; the bootstrap interval brackets it and is reproducible', () => {
  const points = [16, 32, 64, 128].map((x) => ({ x, y: 2 * Math.sqrt(x), low: 1.8 * Math.sqrt(x), high: 2.2 * Math.sqrt(x) }));
  assert.ok(Math.abs(logLogSlope(points) - 0.5) < 1e-12);
  const interval = logLogSlopeInterval(points);
  assert.ok(interval.low < 0.5 && interval.high > 0.5 && interval.high - interval.low < 0.3);
  assert.deepEqual(logLogSlopeInterval(points), interval);
});

const widening = (factor: (L: number) => number, spread = 0.1) =>
  [16, 32, 64, 128].flatMap((L) => [
    ar('copy', L, 30),
    diff('copy', L, 'threshold=0.9', 30, 30, [factor(L), factor(L) * (1 - spread), factor(L) * (1 + spread)]),
  ]);

test('claim 2 holds when the matched speedup rises with length, and says where it turns', () => {
  const result = judgeGapWidens({ aggregates: widening((L) => L / 8) });
  assert.equal(result.verdict, 'holds');
  assert.match(result.details[0]!, /slope of ln speedup vs ln L = 1\.00/);
  assert.match(result.details[0]!, /still rising at the longest length measured \(L=128\)/);
  const peaked = [16, 32, 64, 128].map((length, i) => ({ length, value: [2, 4, 6, 5][i]!, low: 1, high: 7, label: '' }));
  assert.equal(turningPoint(peaked), 'peaks at L=64 (6.00×), then falls');
});

test('claim 2 does not hold when the speedup falls with length; not enough evidence with two matched lengths', () => {
  assert.equal(judgeGapWidens({ aggregates: widening((L) => 64 / L) }).verdict, 'does not hold');
  const twoLengths = widening((L) => L / 8).filter((a) => a.length <= 32 || a.engine === 'autoregressive');
  assert.equal(judgeGapWidens({ aggregates: twoLengths }).verdict, 'not enough evidence');
  const fewItems = [16, 32, 64].flatMap((L) => [ar('copy', L, 10, 10), diff('copy', L, 't', 10, 10, [L, L - 1, L + 1])]);
  assert.equal(judgeGapWidens({ aggregates: fewItems }).verdict, 'not enough evidence');
});

test('claim 3 holds when the matched setting’s NFE stays flat, fails when it grows with L', () => {
  const flat = [16, 32, 64].flatMap((L) => [
    ar('reverse', L, 30),
    diff('reverse', L, 'threshold=0.9', 30, 30, [5, 4, 6], 2),
    diff('reverse', L, 'steps=L', 30, 30, [1, 0.9, 1.1], L),
  ]);
  const held = judgeConstantSteps({ aggregates: flat });
  assert.equal(held.verdict, 'holds');
  assert.match(held.details[0]!, /slope of ln NFE vs ln L = 0\.00/);
  const linear = [16, 32, 64].flatMap((L) => [
    ar('sort', L, 30),
    diff('sort', L, 'steps=L', 30, 30, [1, 0.9, 1.1], L),
    diff('sort', L, 'threshold=0.9', 20, 30, [5, 4, 6], 2),
  ]);
  assert.equal(judgeConstantSteps({ aggregates: linear }).verdict, 'does not hold', 'the few-step setting does not match AR, so it does not count');
  assert.equal(judgeConstantSteps({ aggregates: flat.map((a) => ({ ...a, runs: 20, passed: 20, passRate: 1 })) }).verdict, 'not enough evidence');
  const remote = flat.map((a) => (a.engine === 'diffusion' ? { ...a, remote: 'remote, network included (api.example)' } : a));
  assert.equal(judgeConstantSteps({ aggregates: remote }).verdict, 'not enough evidence', 'NFE is unknown behind an API');
});

test('claim 4 holds when the full canvas wastes much at the largest budget and block decoding stops near the end', () => {
  const result = judgeFixedLength({
    aggregates: [],
    canvas: [canvas('diffusion', 32, 5, 32), canvas('block_diffusion', 32, 5, 32), canvas('diffusion', 128, 5, 128), canvas('block_diffusion', 128, 5, 32)],
  });
  assert.equal(result.verdict, 'holds');
  assert.match(result.summary, /At L=128 the full canvas lays out 123 positions after the answer \(96%\); block decoding 27, stopping at the end/);
  assert.deepEqual(
    result.chart.series.map((s) => [s.key, s.points.map((p) => p.value)]),
    [
      ['full-canvas diffusion', [27, 123]],
      ['block diffusion', [27, 27]],
    ],
  );
});

test('claim 4 does not hold when the canvas is barely wasted, or block decoding wastes about as much', () => {
  assert.equal(judgeFixedLength({ aggregates: [], canvas: [canvas('diffusion', 32, 30, 32), canvas('block_diffusion', 32, 30, 32)] }).verdict, 'does not hold');
  assert.equal(judgeFixedLength({ aggregates: [], canvas: [canvas('diffusion', 64, 5, 64), canvas('block_diffusion', 64, 5, 64)] }).verdict, 'does not hold');
});

test('claim 4 says not enough evidence for the block side, and why, when there is no block model; and with too few runs', () => {
  const result = judgeFixedLength({
    aggregates: [],
    canvas: [canvas('diffusion', 32, 4, 32)],
    blockSide: { usable: false, reason: 'no block-diffusion model "x" under models/' },
  });
  assert.equal(result.verdict, 'not enough evidence');
  assert.match(result.summary, /block side has no evidence \(no block-diffusion model "x"/);
  assert.match(result.details[0]!, /^block side: not enough evidence/);
  assert.equal(
    judgeFixedLength({ aggregates: [], canvas: [canvas('diffusion', 64, 5, 64, 10), canvas('block_diffusion', 64, 5, 32, 10)] }).verdict,
    'not enough evidence',
  );
  const wrongAndShort = judgeFixedLength({ aggregates: [], canvas: [canvas('diffusion', 128, 11, 128, 30, 18), canvas('block_diffusion', 128, 1, 32, 30, 0)] });
  assert.equal(wrongAndShort.verdict, 'not enough evidence', 'a block decoder that stops early on wrong answers proves nothing');
  assert.match(wrongAndShort.summary, /block decoding passes 0% against the full canvas's 60%/);
});

const reasoning = (order: number, control: number, n = 30) =>
  [16, 32].flatMap((L) => [
    ...['sort', 'add', 'expand'].flatMap((t) => [ar(t, L, n, n), diff(t, L, 'steps=L', Math.round(order * n), n)]),
    ...['copy', 'reverse'].flatMap((t) => [ar(t, L, n, n), diff(t, L, 'steps=L', Math.round(control * n), n)]),
  ]);

test('claim 5 holds when diffusion falls behind AR on order-dependent tasks but not on copy/reverse', () => {
  const result = judgeSequentialReasoning({ aggregates: reasoning(0.5, 1) });
  assert.equal(result.verdict, 'holds');
  assert.match(result.summary, /Mean gap -50 pts on order-dependent tasks vs \+0 pts/);
  assert.equal(result.chart.series.length, 5);
});

test('claim 5 does not hold when the gaps are alike, and counts no cell where both engines fail', () => {
  assert.equal(judgeSequentialReasoning({ aggregates: reasoning(0.97, 1) }).verdict, 'does not hold');
  const floor = reasoning(0.5, 1).map((a) => (a.task === 'add' ? { ...a, passed: 0, passRate: 0, passRateInterval: { low: 0, high: 0.11 } } : a));
  const result = judgeSequentialReasoning({ aggregates: floor });
  assert.equal(result.verdict, 'holds');
  assert.ok(result.details.some((d) => /add: .*both near 0: not counted/.test(d)));
});

test('claim 5 has not enough evidence with fewer than 30 items per cell', () => {
  assert.equal(judgeSequentialReasoning({ aggregates: reasoning(0.5, 1, 12) }).verdict, 'not enough evidence');
});
