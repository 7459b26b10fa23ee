// Hand-built cell statistics for the verdict tests: only what the verdicts read is meaningful.
import type { Aggregate } from '../aggregate.ts';
import { wilsonInterval } from '../stats.ts';
import type { CanvasUse } from './canvas-use.ts';

export function cell(
  engine: Aggregate['engine'],
  task: string,
  length: number,
  setting: string,
  passed: number,
  n: number,
  extra: { speedup?: [number, number, number]; nfe?: number } = {},
): Aggregate {
  const [median, low, high] = extra.speedup ?? [Number.NaN, Number.NaN, Number.NaN];
  return {
    engine,
    setting,
    task,
    length,
    latencyOnly: false,
    runs: n,
    latencyMedianMs: 10,
    latencyP95Ms: 12,
    latencyIqrMs: 1,
    ttftMedianMs: 1,
    tokensPerSecondMedian: 100,
    nfeMedian: extra.nfe ?? length,
    passed,
    passRate: passed / n,
    passRateInterval: wilsonInterval(passed, n),
    passAtK: null,
    speedup: extra.speedup ? { versus: 'greedy', n, median, interval: { low, high } } : null,
    cacheEffect: null,
    model: engine === 'autoregressive' ? 'tiny-llama-ar' : 'tiny-llama-diffusion',
    remote: null,
    hardware: null,
    failures: 0,
    costUsd: null,
  };
}

export const ar = (task: string, length: number, passed: number, n = 30) => cell('autoregressive', task, length, 'greedy', passed, n, { nfe: length + 1 });

/** A canvas cell whose runs answered `answer` tokens in `laidOut` positions. */
export function canvas(engine: string, length: number, answer: number, laidOut: number, runs = 30, passed = runs): CanvasUse {
  const wasted = laidOut - answer;
  return {
    engine,
    model: engine,
    setting: 'default',
    task: 'copy',
    length,
    runs,
    answerTokensMedian: answer,
    laidOutMedian: laidOut,
    wastedPositionsMedian: wasted,
    wastedFractionMedian: wasted / laidOut,
    wastedPositionPassesMedian: wasted,
    passed,
    passRate: passed / runs,
  };
}
