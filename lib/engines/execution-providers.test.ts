// A GPU execution provider that this onnxruntime-node install cannot run is refused before any model loads, in
// one line naming what is missing and the command that installs it, never run on the CPU instead: the rule on
// made-up facts, then this (CPU-only) machine through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { projectRoot } from '../paths.ts';
import { assertExecutionProvider, ExecutionProviderError, providerFacts, type ProviderFacts, providerProblem } from './execution-providers.ts';
import { UserError } from '../user-error.ts';

const INSTALL = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js';

const facts = (over: Partial<ProviderFacts> = {}): ProviderFacts => ({
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
  ],
  platform: 'linux/x64',
  cudaFiles: ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
  cudaFilesMissing: [],
  vulkanLoader: true,
  installScript: 'node_modules/onnxruntime-node/script/install.js',
  ...over,
});

describe('which providers can run', () => {
  test('cpu always; cuda once its libraries are installed, else the install command', () => {
    assert.equal(providerProblem('cpu', facts({ backends: [] })), null);
    assert.equal(providerProblem('cuda', facts()), null);
    const missing = providerProblem('cuda', facts({ cudaFilesMissing: ['libonnxruntime_providers_cuda.so'] }))!;
    assert.match(missing, /^execution provider "cuda" is not installed \(libonnxruntime_providers_cuda\.so missing/);
    assert.ok(missing.endsWith(`run: ${INSTALL}`), missing);
    assert.match(providerProblem('cuda', facts({ cudaFiles: null, platform: 'darwin/arm64' }))!, /no CUDA libraries for darwin\/arm64/);
  });

  test('webgpu needs the Vulkan loader on Linux; a build without a provider says what it has', () => {
    assert.equal(providerProblem('webgpu', facts()), null);
    assert.equal(providerProblem('webgpu', facts({ vulkanLoader: null, platform: 'darwin/arm64' })), null, 'Metal, not Vulkan');
    assert.match(providerProblem('webgpu', facts({ vulkanLoader: false }))!, /libvulkan\.so\.1\) is missing: apt-get install -y libvulkan1, /);
    assert.equal(
      providerProblem('webgpu', facts({ backends: [{ name: 'cpu', bundled: true }] })),
      'execution provider "webgpu" is not in this onnxruntime-node build for linux/x64 (it has cpu)',
    );
  });

  test("this machine's install: the refusal is a UserError (exit 2)", () => {
    const here = providerFacts();
    assert.ok(here.backends.some((b) => b.name === 'cpu'));
    assert.doesNotThrow(() => assertExecutionProvider('cpu'));
    for (const ep of ['cuda', 'webgpu'] as const) {
      const problem = providerProblem(ep, here);
      if (problem === null) continue; // installed here: nothing to refuse
      assert.throws(
        () => assertExecutionProvider(ep),
        (e: unknown) => e instanceof ExecutionProviderError && e instanceof UserError && e.message === problem,
      );
    }
  });
});

describe('the CLI on this machine', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-ep-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const dlm = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(projectRoot(), 'bin', 'dlm.mjs'), ...args], {
      cwd: projectRoot(),
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: `file:${path.join(scratch, 'runs.db')}` },
    });
  const here = providerFacts();

  for (const ep of ['cuda', 'webgpu'] as const) {
    const problem = providerProblem(ep, here);
    test(`--ep ${ep}: exit 2 and one line, before any model loads`, { skip: problem === null && `${ep} is installed here` }, () => {
      // An unknown model: had it loaded first, the error would name the model instead.
      const generate = dlm('generate', '--model', 'no-such-model', '--prompt', 'copy: ab\\n', '--ep', ep);
      assert.equal(generate.status, 2);
      assert.equal(generate.stderr, `dlm generate: ${problem}\n`);
      if (ep === 'cuda') assert.ok(generate.stderr.includes(INSTALL), 'the real install command');

      const bench = dlm('bench', '--tasks', 'copy', '--lengths', '4', '--items', '1', '--ep', ep);
      assert.equal(bench.status, 2);
      assert.equal(bench.stderr.trim().split('\n').length, 1, bench.stderr);
      assert.match(bench.stderr, new RegExp(`executionProvider.*execution provider "${ep}"`));
    });
  }
});
