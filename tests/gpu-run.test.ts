// The prepared GPU run's engines sweep (scripts/gpu-run/engines-sweep.ts), on the CPU provider: its file goes
// through `dlm import` as an experiment labelled CPU with pass/fail recomputed, and a provider that cannot start
// ends it with exit 3 and one line naming why (the runner's cue to fall back to the CPU).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { EvalRecord } from '../lib/harness/eval-records.ts';
import type { ImportedRun } from '../lib/harness/import.ts';
import { projectRoot } from '../lib/paths.ts';
import { checkCompletions } from '../lib/tasks/check.ts';
import { pickItems } from '../scripts/gpu-run/pick-items.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-gpu-run-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const items = path.join(scratch, 'items.jsonl');
const env = { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'gpu.db')}` };
const dlm = (...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot(), 'bin', 'dlm.mjs'), ...args], { encoding: 'utf8', env });
const sweep = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot(), 'scripts', 'gpu-run', 'engines-sweep.ts'), '--items', items, '--threads', '1', ...args],
    { encoding: 'utf8', env },
  );

before(() => {
  const made = dlm('tasks', 'generate', '--task', 'copy,sort', '--lengths', '16,64', '--n', '4', '--split', 'eval', '--out', items);
  assert.equal(made.status, 0, made.stderr);
});

test('items are picked as gpu_bench.py picks them: fitting answers first, else the longest, latency-only', () => {
  const record = (length: number, i: number): EvalRecord => ({ task_id: `t/${length}/${i}`, task: 'copy', prompt: 'p', answer: 'a', length });
  const records = [16, 16, 16, 64, 64].map((length, i) => record(length, i));
  assert.deepEqual(pickItems(records, 16, 2), { length: 16, latencyOnly: false, items: records.slice(0, 2) });
  assert.deepEqual(pickItems(records, 512, 4), { length: 512, latencyOnly: true, items: records.slice(3) });
});

test('the CPU sweep imports as an experiment labelled CPU, with pass/fail recomputed from the outputs', async () => {
  const out = path.join(scratch, 'engines-cpu.json');
  const result = sweep('--ep', 'cpu', '--quick', '--lengths', '16', '--repeats', '1', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  const file = JSON.parse(readFileSync(out, 'utf8')) as { title: string; environment: { executionProvider: string }; runs: ImportedRun[] };
  assert.match(file.title, /^app ONNX engines, CPU/);
  assert.equal(file.environment.executionProvider, 'cpu');
  assert.equal(file.runs.length, 2 * 5); // two items × AR + four diffusion settings
  // A wrong answer planted in the file must be caught by the checkers, not taken from the file.
  file.runs[0]!.output = 'not the answer';
  writeFileSync(out, JSON.stringify(file));
  const imported = dlm('import', out);
  assert.equal(imported.status, 0, imported.stderr);
  const id = /experiment (\S+)/.exec(imported.stdout)![1]!;
  const shown = JSON.parse(dlm('show', id, '--json').stdout) as {
    runCount: number;
    environment: { executionProvider: string; gpuModel: string | null };
    aggregates: { setting: string; passRate: number }[];
  };
  assert.equal(shown.runCount, 10);
  assert.equal(shown.environment.executionProvider, 'cpu');
  assert.equal(shown.environment.gpuModel, null);
  for (const aggregate of shown.aggregates) {
    const runs = file.runs.filter((r) => r.setting === aggregate.setting);
    const checks = await checkCompletions(runs.map((r) => ({ task_id: r.itemId, task: r.task as 'copy', answer: r.answer, completion: r.output })));
    assert.equal(aggregate.passRate, checks.filter((c) => c.passed).length / runs.length, aggregate.setting);
  }
  assert.equal(shown.aggregates.find((a) => a.setting === 'greedy')!.passRate < 1, true);
});

test('a WebGPU provider that cannot start exits 3 with one line naming why', (t) => {
  const out = path.join(scratch, 'engines-webgpu.json');
  const result = sweep('--ep', 'webgpu', '--quick', '--lengths', '16', '--repeats', '1', '--out', out);
  if (result.status === 0) return t.skip('a WebGPU adapter exists here');
  assert.equal(result.status, 3, result.stderr);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('engines-sweep:'));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^engines-sweep: execution provider "webgpu" .*(adapter|unavailable|cannot start)/);
  assert.equal(existsSync(out), false);
});
