// The report's chart data on hand-built aggregates: series per engine × setting, rows per length, the speedup
// band around the 1× reference, the overlay, remote and block series, tokens per step and the runs table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Aggregate } from './aggregate.ts';
import {
  AR_COLOUR,
  environmentRows,
  filterRuns,
  detailedHardwareLabel,
  mergeRows,
  pageOf,
  passCell,
  type ReportData,
  type ReportRun,
  reportCharts,
  seriesOf,
  tokensPerStep,
} from './report-series.ts';

function aggregate(over: Partial<Aggregate> & Pick<Aggregate, 'engine' | 'setting' | 'length'>): Aggregate {
  return {
    task: 'copy',
    latencyOnly: false,
    runs: 4,
    latencyMedianMs: 10,
    latencyP95Ms: 14,
    latencyIqrMs: 2,
    ttftMedianMs: 1,
    tokensPerSecondMedian: 100,
    nfeMedian: over.length,
    passed: 2,
    passRate: 0.5,
    passRateInterval: { low: 0.2, high: 0.8 },
    passAtK: null,
    speedup: null,
    cacheEffect: null,
    model: over.engine,
    remote: null,
    hardware: null,
    failures: 0,
    costUsd: null,
    ...over,
  };
}

function run(over: Partial<ReportRun> & Pick<ReportRun, 'id' | 'engine'>): ReportRun {
  return {
    modelId: `${over.engine}-model`,
    modelSha256: `sha-${over.engine}`,
    taskId: 'copy',
    itemId: 'copy-8-0',
    setting: 'steps=L',
    sample: 0,
    requestedLength: 8,
    latencyOnly: false,
    outputText: 'k3x9ab',
    generatedTokens: 8,
    ttftMs: 1,
    totalMs: 10,
    forwardPasses: 8,
    passed: true,
    error: null,
    prompt: 'copy: k3x9ab\n',
    ...over,
  };
}

const speedup = (median: number, low: number, high: number) => ({ versus: 'AR greedy', n: 4, median, interval: { low, high } });

describe('report series', () => {
  test('one series per engine × setting, in first-seen order, each told apart without colour', () => {
    const series = seriesOf([
      aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8 }),
      aggregate({ engine: 'diffusion', setting: 'steps=L', length: 8 }),
      aggregate({ engine: 'diffusion', setting: 'steps=L/4', length: 8 }),
      aggregate({ engine: 'block_diffusion', setting: 'default', length: 8 }),
      aggregate({ engine: 'diffusion', setting: 'steps=L', length: 32 }), // the same series at another length
    ]);
    assert.deepEqual(
      series.map((s) => [s.key, s.shape, s.dash]),
      [
        ['AR greedy', 'circle', undefined],
        ['diffusion steps=L', 'square', '4 2'],
        ['diffusion steps=L/4', 'triangle', '4 2'],
        ['block default', 'diamond', '1 3'],
      ],
    );
    assert.equal(series[0]!.colour, AR_COLOUR);
    assert.equal(new Set(series.map((s) => s.colour)).size, 4);
    assert.ok(
      seriesOf([aggregate({ engine: 'diffusion', setting: 'a', length: 8 })], ' (B)', true).every((s) => s.key === 'diffusion a (B)' && s.dash === '6 3'),
    );
  });

  test('latency rows: one per length in ascending order, a column per series with a whisker to p95', () => {
    const charts = reportCharts(
      [
        aggregate({ engine: 'autoregressive', setting: 'greedy', length: 32, latencyMedianMs: 40, latencyP95Ms: 50 }),
        aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8, latencyMedianMs: 10, latencyP95Ms: 12 }),
        aggregate({ engine: 'diffusion', setting: 'steps=L', length: 8, latencyMedianMs: 30, latencyP95Ms: 31 }),
        aggregate({ engine: 'diffusion', setting: 'steps=L', length: 8, task: 'sort', latencyMedianMs: 999 }), // another task: not drawn
      ],
      'copy',
    );
    assert.deepEqual(charts.latency, [
      { length: 8, 'AR greedy': 10, 'AR greedy err': [0, 2], 'diffusion steps=L': 30, 'diffusion steps=L err': [0, 1] },
      { length: 32, 'AR greedy': 40, 'AR greedy err': [0, 10] },
    ]);
  });

  test('speedup: the diffusion kinds only (AR is the 1× reference), each with its bootstrap band around the median', () => {
    const charts = reportCharts(
      [
        aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8 }),
        aggregate({ engine: 'diffusion', setting: 'steps=L/4', length: 8, speedup: speedup(1.6, 1.2, 2.1) }),
        aggregate({ engine: 'block_diffusion', setting: 'default', length: 8, speedup: speedup(0.8, 0.7, 0.95) }),
        aggregate({ engine: 'diffusion', setting: 'steps=L/4', length: 32, speedup: null }), // no paired items: no point
      ],
      'copy',
    );
    assert.deepEqual(
      charts.speedupSeries.map((s) => s.key),
      ['diffusion steps=L/4', 'block default'],
    );
    assert.deepEqual(charts.speedup, [
      { length: 8, 'diffusion steps=L/4': 1.6, 'diffusion steps=L/4 err': [1.2, 2.1], 'block default': 0.8, 'block default err': [0.7, 0.95] },
    ]);
    const band = charts.speedup[0]!['diffusion steps=L/4 err'] as [number, number];
    assert.ok(band[0] > 1, 'a band wholly above 1× reads as faster');
    assert.ok((charts.speedup[0]!['block default err'] as [number, number])[1] < 1, 'and one wholly below as slower');
  });

  test('pass rate in percent with Wilson whiskers; latency-only cells are left out of pass rate and the frontier', () => {
    const charts = reportCharts(
      [
        aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8, passRate: 0.75, passRateInterval: { low: 0.5, high: 0.9 }, nfeMedian: 8 }),
        aggregate({ engine: 'diffusion', setting: 'steps=L', length: 64, latencyOnly: true, passRate: null, passRateInterval: null }),
      ],
      'copy',
    );
    assert.equal(charts.passRate.length, 1);
    const row = charts.passRate[0]!;
    assert.equal(row.length, 8);
    assert.equal(row['AR greedy'], 75);
    const [below, above] = row['AR greedy err'] as [number, number];
    assert.ok(Math.abs(below - 25) < 1e-9 && Math.abs(above - 15) < 1e-9);
    assert.deepEqual(charts.frontier, [{ series: 'AR greedy', length: 8, nfe: 8, latencyMs: 10, passRate: 75 }]);
  });

  test('a remote series is charted for latency but kept off the frontier, where its NFE is unknown', () => {
    const charts = reportCharts(
      [
        aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8 }),
        aggregate({ engine: 'diffusion', setting: 'remote', length: 8, latencyMedianMs: 250, remote: 'remote, network included (api.example)' }),
      ],
      'copy',
    );
    assert.equal(charts.latency[0]!['diffusion remote'], 250);
    assert.deepEqual(
      charts.frontier.map((p) => p.series),
      ['AR greedy'],
    );
  });

  test('an overlaid experiment adds dashed "(B)" series merged into the same rows by length', () => {
    const charts = reportCharts([aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8, latencyMedianMs: 10 })], 'copy', [
      aggregate({ engine: 'autoregressive', setting: 'greedy', length: 8, latencyMedianMs: 12 }),
      aggregate({ engine: 'autoregressive', setting: 'greedy', length: 16, latencyMedianMs: 20 }),
    ]);
    assert.deepEqual(
      charts.all.map((s) => s.key),
      ['AR greedy', 'AR greedy (B)'],
    );
    assert.equal(charts.all[1]!.dash, '6 3');
    assert.deepEqual(
      charts.series.map((s) => s.key),
      ['AR greedy'],
      'the frontier and tokens per step draw only this experiment',
    );
    assert.deepEqual(
      charts.latency.map((r) => [r.length, r['AR greedy'], r['AR greedy (B)']]),
      [
        [8, 10, 12],
        [16, undefined, 20],
      ],
    );
    assert.deepEqual(mergeRows([{ length: 4, a: 1 }], [{ length: 2, b: 2 }]), [
      { length: 2, b: 2 },
      { length: 4, a: 1 },
    ]);
  });

  test('tokens per step: the median over diffusion runs of generated tokens ÷ forward passes', () => {
    const rows = tokensPerStep(
      [
        run({ id: '1', engine: 'diffusion', generatedTokens: 8, forwardPasses: 8 }), // 1
        run({ id: '2', engine: 'diffusion', generatedTokens: 8, forwardPasses: 2 }), // 4
        run({ id: '3', engine: 'diffusion', generatedTokens: 8, forwardPasses: 4 }), // 2 → median 2
        run({ id: '4', engine: 'block_diffusion', setting: null, requestedLength: 16, generatedTokens: 12, forwardPasses: 4 }),
        run({ id: '5', engine: 'autoregressive', generatedTokens: 8, forwardPasses: 8 }), // AR: one token a pass by definition
        run({ id: '6', engine: 'diffusion', forwardPasses: 0 }), // failed before a pass: no ratio
        run({ id: '7', engine: 'diffusion', taskId: 'sort', forwardPasses: 1 }),
      ],
      'copy',
    );
    assert.deepEqual(rows, [
      { length: 8, 'diffusion steps=L': 2 },
      { length: 16, 'block default': 3 },
    ]);
  });
});

describe('runs table and environment', () => {
  const runs = [
    run({ id: 'a', engine: 'autoregressive', passed: true, outputText: 'Hello' }),
    run({ id: 'b', engine: 'diffusion', passed: false, itemId: 'copy-8-1' }),
    run({ id: 'c', engine: 'diffusion', passed: null, latencyOnly: true }),
  ];

  test('filters by engine, outcome and a case-insensitive search over item, setting and output', () => {
    const ids = (filter: Parameters<typeof filterRuns>[1]) => filterRuns(runs, filter).map((r) => r.id);
    assert.deepEqual(ids({ engine: '', outcome: '', search: '' }), ['a', 'b', 'c']);
    assert.deepEqual(ids({ engine: 'diffusion', outcome: '', search: '' }), ['b', 'c']);
    assert.deepEqual(ids({ engine: '', outcome: 'pass', search: '' }), ['a']);
    assert.deepEqual(ids({ engine: '', outcome: 'fail', search: '' }), ['b']);
    assert.deepEqual(ids({ engine: '', outcome: 'latency', search: '' }), ['c']);
    assert.deepEqual(ids({ engine: '', outcome: '', search: 'HELLO' }), ['a']);
    assert.deepEqual(ids({ engine: '', outcome: '', search: '8-1' }), ['b']);
    assert.deepEqual(runs.map(passCell), ['✓', '✗', 'latency-only']);
    assert.equal(passCell({ latencyOnly: false, passed: null }), '—');
  });

  test('pages: at least one, and a page past the end falls back to the last', () => {
    assert.deepEqual(pageOf(0, 25, 0), { at: 0, pages: 1 });
    assert.deepEqual(pageOf(51, 25, 1), { at: 1, pages: 3 });
    assert.deepEqual(pageOf(30, 25, 5), { at: 1, pages: 2 });
  });

  test('hardware is labelled CPU or GPU; the environment lists each model once with its checksum', () => {
    const environment = {
      gitSha: 'abc123',
      gitDirty: true,
      node: 'v20',
      onnxruntime: '1.20',
      cpuModel: 'Xeon',
      cpuCores: 2,
      gpuModel: null,
      executionProvider: 'cpu',
      threads: null,
      os: 'linux',
    };
    assert.equal(detailedHardwareLabel(environment), 'CPU: Xeon, default threads');
    assert.equal(detailedHardwareLabel({ ...environment, executionProvider: 'cuda', gpuModel: 'H100' }), 'GPU H100 (cuda)');
    const report = {
      experiment: { id: 'e', slug: 's', title: 't', kind: 'sweep', status: 'done', createdAt: '', finishedAt: null, config: {}, environment },
      runs,
    } satisfies Pick<ReportData, 'experiment' | 'runs'>;
    const rows = new Map(environmentRows(report, 'CPU: Xeon, default threads'));
    assert.equal(rows.get('git'), 'abc123 (uncommitted changes)');
    assert.equal(rows.get('GPU'), 'none used');
    assert.equal(rows.get('threads'), 'onnxruntime default');
    assert.equal(rows.get('model diffusion-model'), 'sha-diffusion');
    assert.equal([...rows.keys()].filter((k) => k.startsWith('model ')).length, 2);
  });
});
