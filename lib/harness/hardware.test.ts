// Runs measured on different hardware (a queued sweep's workers on different machines) on hand-built runs:
// the aggregates never pool them into one latency, a speedup pairs AR and diffusion only on the same hardware,
// and the report's series are one per hardware, each labelled with it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Run } from '../db/runs.ts';
import { aggregateRuns } from './aggregate.ts';
import { detailedHardwareLabel, hardwareEnvironmentOf, mixesHardware, runHardware } from './hardware.ts';
import { measuredOn, reportCharts } from './report-series.ts';
import { makeRun } from './test-runs.ts';

const xeon = { cpuModel: 'Xeon', gpuModel: null, executionProvider: 'cpu', threads: 2, host: 'box-a' };
const epyc = { cpuModel: 'EPYC', gpuModel: null, executionProvider: 'cpu', threads: 2, host: 'box-b' };
const h100 = { cpuModel: 'EPYC', gpuModel: 'H100', executionProvider: 'cuda', threads: null, host: 'gpu-1' };
const XEON = 'CPU: Xeon, 2 threads';
const H100 = 'GPU H100 (cuda)';

function run(engine: Run['engine'], item: number, totalMs: number, workerEnv: unknown, worker = 'w'): Run {
  return makeRun({
    engine,
    itemId: `copy-${item}`,
    requestedLength: 8,
    totalMs,
    setting: engine === 'autoregressive' ? 'greedy' : 'steps=L',
    worker,
    workerEnv,
  });
}

describe('hardware labels', () => {
  test('a run is labelled by its worker environment, else by the experiment’s, else unknown', () => {
    assert.equal(runHardware({ workerEnv: xeon }), XEON);
    assert.equal(runHardware({ workerEnv: h100 }, xeon), H100);
    assert.equal(runHardware({ workerEnv: null }, xeon), XEON);
    assert.equal(runHardware({ workerEnv: { host: 'no hardware fields' } }), null);
    assert.equal(detailedHardwareLabel({ cpuModel: 'c', gpuModel: null, executionProvider: 'cuda', threads: null }), 'GPU (cuda)');
    assert.equal(detailedHardwareLabel({ ...xeon, threads: 1 }), 'CPU: Xeon, 1 thread');
    assert.equal(hardwareEnvironmentOf('text'), null);
    assert.equal(mixesHardware([{ hardware: XEON }, { hardware: XEON }]), false);
    assert.equal(mixesHardware([{ hardware: XEON }, { hardware: H100 }]), true);
  });
});

describe('aggregates across hardware', () => {
  // Three items each: AR and diffusion on the Xeon workers (AR 100 ms, diffusion 50 ms: 2×) and on the H100
  // (AR 10 ms, diffusion 2 ms: 5×). Pooled, the latencies would mix 100 and 10, and a cross pairing 100 ÷ 2 = 50×.
  const runs = [0, 1, 2].flatMap((i) => [
    run('autoregressive', i, 100, xeon),
    run('diffusion', i, 50, xeon),
    run('autoregressive', i, 10, h100, 'gpu'),
    run('diffusion', i, 2, h100, 'gpu'),
  ]);

  test('one aggregate per hardware, with its own latency; a speedup only within one hardware', () => {
    const aggregates = aggregateRuns(runs);
    assert.equal(aggregates.length, 4);
    const of = (engine: string, hardware: string) => aggregates.find((a) => a.engine === engine && a.hardware === hardware)!;
    assert.equal(of('autoregressive', XEON).latencyMedianMs, 100);
    assert.equal(of('autoregressive', H100).latencyMedianMs, 10);
    assert.equal(of('diffusion', XEON).runs, 3);
    assert.equal(of('diffusion', XEON).speedup!.median, 2);
    assert.equal(of('diffusion', H100).speedup!.median, 5);
    assert.equal(of('diffusion', H100).speedup!.n, 3, 'paired only with the 3 AR runs on the H100');
  });

  test('a diffusion run with no AR run on its hardware gets no speedup, though AR ran elsewhere', () => {
    const lonely = [0, 1].flatMap((i) => [run('autoregressive', i, 100, xeon), run('diffusion', i, 2, h100, 'gpu')]);
    const diffusion = aggregateRuns(lonely).find((a) => a.engine === 'diffusion')!;
    assert.equal(diffusion.hardware, H100);
    assert.equal(diffusion.speedup, null);
  });

  test('runs of two machines with the same hardware label pool; runs without a worker take the experiment’s hardware', () => {
    const same = [
      run('autoregressive', 0, 100, xeon, 'a'),
      run('autoregressive', 1, 120, { ...xeon, host: 'box-c' }, 'c'),
      run('autoregressive', 2, 140, null),
    ];
    const aggregates = aggregateRuns(same, xeon);
    assert.equal(aggregates.length, 1);
    assert.equal(aggregates[0]!.runs, 3);
    assert.equal(aggregates[0]!.hardware, XEON);
    const other = aggregateRuns([...same, run('autoregressive', 3, 90, epyc, 'b')], xeon);
    assert.deepEqual(
      other.map((a) => [a.hardware, a.runs]),
      [
        [XEON, 3],
        ['CPU: EPYC, 2 threads', 1],
      ],
    );
  });

  test('the charts: one latency and speedup series per hardware, each labelled with it; one hardware keeps plain labels', () => {
    const aggregates = aggregateRuns(runs);
    const charts = reportCharts(aggregates, 'copy');
    assert.deepEqual(
      charts.series.map((s) => s.key),
      [`AR greedy on ${XEON}`, `AR greedy on ${H100}`, `diffusion steps=L on ${XEON}`, `diffusion steps=L on ${H100}`],
    );
    const [ar, arGpu] = charts.series;
    assert.notEqual(ar!.colour, arGpu!.colour, 'AR on each hardware has its own colour');
    assert.deepEqual(charts.latency, [
      {
        length: 8,
        [`AR greedy on ${XEON}`]: 100,
        [`AR greedy on ${XEON} err`]: [0, 0],
        [`diffusion steps=L on ${XEON}`]: 50,
        [`diffusion steps=L on ${XEON} err`]: [0, 0],
        [`AR greedy on ${H100}`]: 10,
        [`AR greedy on ${H100} err`]: [0, 0],
        [`diffusion steps=L on ${H100}`]: 2,
        [`diffusion steps=L on ${H100} err`]: [0, 0],
      },
    ]);
    assert.deepEqual(
      charts.speedupSeries.map((s) => s.key),
      [`diffusion steps=L on ${XEON}`, `diffusion steps=L on ${H100}`],
    );
    assert.equal(charts.speedup[0]![`diffusion steps=L on ${XEON}`], 2);
    assert.equal(charts.speedup[0]![`diffusion steps=L on ${H100}`], 5);
    assert.deepEqual(
      charts.stepSeries.map((s) => s.key),
      ['diffusion steps=L'],
      'tokens per step do not depend on the hardware',
    );
    assert.match(measuredOn(aggregates, XEON), /2 kinds of hardware/);

    const single = aggregateRuns(runs.filter((r) => r.worker === 'gpu'));
    assert.deepEqual(
      reportCharts(single, 'copy').series.map((s) => s.key),
      ['AR greedy', 'diffusion steps=L'],
    );
    assert.equal(measuredOn(single, XEON), `measured on ${H100}`, 'the workers’ hardware, not the machine that enqueued');
  });
});
