#!/usr/bin/env node
// `npm run gpu:dry-run`: the prepared GPU run tried here, without a GPU. It runs scripts/gpu-run/run.sh as the
// GPU machine would (the bundle unpacked into a temporary folder, the carried Node, the WebGPU sweep, whose
// failure here must lead to the CPU fallback, and gpu_bench.py on the CPU, all --quick), then imports every
// JSON file it returned into a throwaway database and shows what was stored.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mib, TRANSFER_LIMIT, transferSizes } from './transfer-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(path.join(root, '.gpu-run', 'bundle.tar.xz'))) {
  console.error('gpu:dry-run: no .gpu-run/bundle.tar.xz: run "npm run gpu:pack" first');
  process.exit(1);
}
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-gpu-dry-'));
const out = path.join(scratch, 'out');
const env = { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'dry.db')}` };
const dlm = (...args) => spawnSync(process.execPath, [path.join(root, 'bin', 'dlm.mjs'), ...args], { cwd: root, env, encoding: 'utf8' });
const problems = [];

try {
  const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'); // the recipe's PyTorch
  spawnSync('bash', [path.join(root, 'scripts', 'gpu-run', 'run.sh')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, OUT: out, GPU_RUN_DRY: '1', PYTHON: python },
  });

  const returned = readdirSync(out)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (!returned.includes('gpu-pytorch.json')) problems.push('gpu-pytorch.json missing');
  // Here WebGPU finds no adapter, so the CPU fallback must have run (on a machine with a GPU, the WebGPU sweep).
  if (!returned.includes('engines-cpu.json') && !returned.includes('engines-webgpu.json')) problems.push('no engines-*.json');
  const cpu = returned.includes('engines-cpu.json') && JSON.parse(readFileSync(path.join(out, 'engines-cpu.json'), 'utf8'));
  if (cpu && !/Fallback: the WebGPU run failed/.test(cpu.note)) problems.push('engines-cpu.json does not say why it fell back');

  console.log('\n== imported into a throwaway database');
  for (const file of returned) {
    const imported = dlm('import', path.join(out, file));
    const id = /experiment (\S+)/.exec(imported.stdout)?.[1];
    if (imported.status !== 0 || !id) {
      problems.push(`dlm import ${file}: ${imported.stderr.trim() || `exit ${imported.status}`}`);
      continue;
    }
    console.log(`-- ${file}`);
    console.log(dlm('show', id).stdout.trim());
  }
  const sizes = transferSizes(root, ['.gpu-run']);
  console.log(`\ntransfer with .gpu-run carried: ${mib(sizes.total)} of ${mib(TRANSFER_LIMIT)} (.gpu-run ${mib(sizes.carried)})`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`gpu:dry-run: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('gpu:dry-run: ok');
