// The training recipe's own invariant checks (models/train/selftest.py, seconds, random weights): the pair's
// equal size, causality, KV cache, batching, LLaDA's schedule, the shifted-logits convention and the
// AR-to-diffusion adaptation step. They need Debian's PyTorch (see models/train/README.md; .ci/run installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../lib/paths.ts';

const python = '/usr/bin/python3';
const hasTorch = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

test(
  'training recipe selftest (PyTorch)',
  { skip: !hasTorch && 'Debian PyTorch not installed: apt-get install -y python3-torch python3-onnx libopenblas0-pthread', timeout: 120_000 },
  () => {
    const run = spawnSync(python, [path.join(projectRoot(), 'models', 'train', 'selftest.py')], {
      encoding: 'utf8',
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    });
    assert.equal(run.status, 0, run.stderr || run.stdout);
    assert.match(run.stdout, /selftest ok \(878720 params per model\)/);
  },
);
