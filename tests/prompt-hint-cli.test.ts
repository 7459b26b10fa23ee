// The CLI says, in one line on stderr, when a prompt is a task prompt missing only its trailing newline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_AR_MODEL_ID } from '../lib/harness/bundled-models.ts';
import { projectRoot } from '../lib/paths.ts';

const generate = (prompt: string) =>
  spawnSync(
    process.execPath,
    [path.join(projectRoot(), 'bin', 'dlm.mjs'), 'generate', '--model', BUNDLED_AR_MODEL_ID, '--prompt', prompt, '--max-tokens', '2', '--threads', '1'],
    { encoding: 'utf8' },
  );

test('dlm generate hints at the missing newline, and only then', () => {
  const missing = generate('sort: 3141');
  assert.equal(missing.status, 0, missing.stderr);
  const hints = missing.stderr.split('\n').filter((l) => l.startsWith('hint: '));
  assert.equal(hints.length, 1);
  assert.match(hints[0]!, /a sort prompt without its trailing newline/);
  const complete = generate('sort: 3141\\n');
  assert.equal(complete.status, 0, complete.stderr);
  assert.doesNotMatch(complete.stderr, /hint:/);
});
