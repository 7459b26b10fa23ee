// `dlm compare` end to end on the bundled pair: both engines run, medians and the speedup are reported,
// and the runs land in the (throwaway) database as one experiment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { projectRoot } from '../paths.ts';

describe('dlm compare', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-compare-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('runs both models on one prompt, stores the runs, and reports a speedup', () => {
    const db = path.join(scratch, 'compare.db');
    const result = spawnSync(
      process.execPath,
      [
        path.join(projectRoot(), 'bin', 'dlm.mjs'),
        'compare',
        '--prompt',
        'sort: 93710284\\n',
        '--max-tokens',
        '8',
        '--repeats',
        '2',
        '--steps',
        'L/2',
        '--threads',
        '1',
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: `file:${db}` } },
    );
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      hardware: string;
      speedup: number;
      experimentSlug: string;
      task: string | null;
      expected: string | null;
      runs: {
        engine: string;
        output: string;
        correct: boolean | null;
        forwardPasses: number;
        medianTotalMs: number;
        generatedTokens: number;
        settings: { steps: number };
      }[];
    };
    assert.equal(report.hardware, 'CPU');
    // A sort prompt is scored against its expected answer; greedy AR on the bundled model gets this one right.
    assert.equal(report.task, 'sort');
    assert.equal(report.expected, '01234789');
    for (const run of report.runs) assert.equal(run.correct, run.output === '01234789');
    assert.equal(report.runs[0]!.correct, true);
    assert.deepEqual(
      report.runs.map((r) => r.engine),
      ['autoregressive', 'diffusion'],
    );
    const [ar, diffusion] = report.runs;
    assert.equal(diffusion!.settings.steps, 4);
    assert.ok(diffusion!.forwardPasses <= 4);
    assert.ok(ar!.forwardPasses >= 1 && ar!.forwardPasses <= 8);
    assert.ok(Math.abs(report.speedup - ar!.medianTotalMs / diffusion!.medianTotalMs) < 1e-9);
    const sqlite = new Database(db, { readonly: true });
    const experiment = sqlite.prepare('SELECT id, status, kind, environment FROM Experiment WHERE slug = ?').get(report.experimentSlug) as {
      id: string;
      status: string;
      kind: string;
      environment: string;
    };
    assert.equal(experiment.status, 'finished');
    assert.equal(experiment.kind, 'compare');
    assert.equal(JSON.parse(experiment.environment).threads, 1);
    const runs = sqlite.prepare('SELECT engine, modelSha256, outputText, passed FROM Run WHERE experimentId = ?').all(experiment.id) as {
      engine: string;
      modelSha256: string;
      outputText: string;
      passed: number | null;
    }[];
    assert.ok(runs.every((r) => r.passed === (r.outputText === '01234789' ? 1 : 0)));
    assert.equal(runs.length, 4); // two timed repeats per engine
    assert.ok(runs.every((r) => /^[0-9a-f]{64}$/.test(r.modelSha256)));
    sqlite.close();
  });
});
