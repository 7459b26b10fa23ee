// Bad decoding requests through the real `dlm` binary: one clear line on stderr, non-zero exit, nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../harness/bundled-models.ts';
import { projectRoot } from '../paths.ts';

function dlm(args: string[]) {
  const result = spawnSync(process.execPath, [path.join(projectRoot(), 'bin', 'dlm.mjs'), ...args], { encoding: 'utf8' });
  return { status: result.status, lines: result.stderr.trim().split('\n').filter(Boolean), stdout: result.stdout };
}

const diffusion = ['generate', '--model', BUNDLED_DIFFUSION_MODEL_ID, '--prompt', 'copy: abc\\n'];

describe('dlm generate rejects bad settings with one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['steps > length', [...diffusion, '--max-tokens', '8', '--steps', '9'], /steps \(9\) cannot exceed the output length \(8\)/],
    ['block not dividing length', [...diffusion, '--max-tokens', '8', '--block', '3'], /block length \(3\) must divide the output length \(8\)/],
    ['unknown policy', [...diffusion, '--remasking', 'confident'], /--remasking must be one of low_confidence, random, margin, entropy, got "confident"/],
    ['unknown model', ['generate', '--model', 'no-such-model', '--prompt', 'x'], /unknown model "no-such-model" \(available: /],
    ['empty prompt', ['generate', '--model', BUNDLED_AR_MODEL_ID, '--prompt', ''], /--prompt is required and must not be empty/],
    ['prompt longer than the context', ['generate', '--model', BUNDLED_AR_MODEL_ID, '--prompt', 'x'.repeat(5000)], /exceeds the model's context of \d+ tokens/],
    ['bad number', [...diffusion, '--steps', 'many'], /--steps must be a positive integer, "L" or "L\/N", got "many"/],
    ['unavailable provider', [...diffusion, '--ep', 'cuda'], /execution provider "cuda" (is not installed|failed to start)/],
  ];
  for (const [name, args, message] of cases) {
    test(name, () => {
      const { status, lines } = dlm(args);
      assert.notEqual(status, 0);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, message);
    });
  }
});
