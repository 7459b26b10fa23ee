// `dlm import`: a results file measured elsewhere (the GPU run's format) becomes an experiment with its own
// environment; pass/fail is recomputed by the suite, never taken from the file; bad fields are named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { projectRoot } from '../paths.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-import-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const db = path.join(scratch, 'import.db');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(projectRoot(), 'bin', 'dlm.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: `file:${db}` } });

const run = (engine: string, output: string, extra: object = {}) => ({
  engine,
  modelId: 'm',
  modelSha256: 'a'.repeat(64),
  task: 'copy',
  itemId: 'eval/copy/8/s0/i0',
  prompt: 'copy: abcdefgh\n',
  answer: 'abcdefgh',
  length: 8,
  setting: engine === 'autoregressive' ? 'greedy' : 'steps=L',
  latencyOnly: false,
  settings: { runtime: 'pytorch' },
  output,
  generatedTokens: output.length,
  ttftMs: null,
  totalMs: 1.5,
  forwardPasses: 8,
  ...extra,
});
const environment = {
  gitSha: 'abc',
  gitDirty: false,
  node: 'n/a',
  onnxruntime: 'n/a',
  cpuModel: 'x',
  cpuCores: 16,
  gpuModel: 'NVIDIA H100',
  executionProvider: 'cuda',
  threads: 1,
  os: 'Linux',
};

test('an import file becomes an experiment; pass/fail comes from the checkers', () => {
  const file = path.join(scratch, 'good.json');
  writeFileSync(
    file,
    JSON.stringify({
      format: 'dlm-import/1',
      title: 'gpu',
      environment,
      runs: [run('autoregressive', 'abcdefgh', { passed: false }), run('diffusion', 'abcdefgX', { passed: true })],
    }),
  );
  const imported = cli('import', file);
  assert.equal(imported.status, 0, imported.stderr);
  const id = /experiment (\S+)/.exec(imported.stdout)![1]!;
  const shown = JSON.parse(cli('show', id, '--json').stdout) as { environment: { gpuModel: string }; aggregates: { engine: string; passRate: number }[] };
  assert.equal(shown.environment.gpuModel, 'NVIDIA H100');
  assert.deepEqual(
    shown.aggregates.map((a) => [a.engine, a.passRate]),
    [
      ['autoregressive', 1],
      ['diffusion', 0],
    ],
  );
});

test('a bad import file names the field and exits 2', () => {
  const file = path.join(scratch, 'bad.json');
  writeFileSync(file, JSON.stringify({ format: 'dlm-import/1', environment, runs: [run('autoregressive', 'x', { totalMs: 'fast' })] }));
  const result = cli('import', file);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /runs\[0\]\.totalMs: must be a number/);
});
