// Each request resolves its settings exactly once: a playground request once per panel (its up-front check is a
// shape check), a sweep once per cell (not again in the cell runner, nor for its warm-up and repeats), an API
// request once (before the queue). Counted on the bundled models through settings.ts's resolver seam, which
// every local engine's resolve goes through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, mock, test } from 'node:test';
import { closeDatabase } from '../db/client.ts';
import { listRunsOfExperiment } from '../db/runs.ts';
import { disposeAllModels } from '../engines/index.ts';
import { settingsResolution } from '../engines/settings.ts';
import { DEFAULT_SESSION_SETTINGS } from '../engines/types.ts';
import { BUNDLED_AR_MODEL_ID } from './bundled-models.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { handleCompletions } from './openai-api/handler.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from './playground.ts';
import { startSweep } from './sweep.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-resolve-once-'));
const savedDb = process.env.DATABASE_URL;

before(() => {
  process.env.DATABASE_URL = `file:${path.join(scratch, 'runs.db')}`;
});
afterEach(() => mock.restoreAll());
after(async () => {
  await closeDatabase();
  await disposeAllModels();
  if (savedDb === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDb;
  rmSync(scratch, { recursive: true, force: true });
});

const countResolutions = () => mock.method(settingsResolution, 'resolve');

test('a playground request: its check resolves nothing, then each panel resolves once', async () => {
  const resolutions = countResolutions();
  const request = parsePlaygroundRequest({
    prompt: 'copy: abc\n',
    autoregressive: { maxNewTokens: 6 },
    diffusion: { maxNewTokens: 4, steps: 'L/2' },
    blockDiffusion: { maxNewTokens: 4 },
  });
  assert.equal(resolutions.mock.callCount(), 0, 'parsing checks the shape only: the models are not known yet');
  const events: PlaygroundEvent[] = [];
  await runPlayground(request, (e) => events.push(e), createDecodeQueue());
  assert.deepEqual(
    events.filter((e) => e.type === 'done').map((e) => e.type === 'done' && e.engine),
    ['autoregressive', 'diffusion', 'block_diffusion'],
  );
  assert.equal(resolutions.mock.callCount(), 3, 'one resolution per panel');
  assert.deepEqual(
    resolutions.mock.calls.map((c) => c.arguments[0]),
    ['autoregressive', 'diffusion', 'diffusion'],
  );
});

test('a sweep resolves each cell once, before any runs: not in the cell runner, the warm-up or a repeat', async () => {
  const resolutions = countResolutions();
  // 2 items × (AR + 2 diffusion settings) = 6 cells, each decoded once to warm up (first of its kind) and twice timed.
  const outcome = await startSweep({
    title: 'resolve once',
    tasks: ['copy'],
    lengths: [4],
    itemsPerLength: 2,
    diffusion: { steps: ['L', 'L/2'] },
    warmup: 1,
    repeats: 2,
    threads: 1,
  });
  assert.equal(outcome.ran, 6);
  assert.equal((await listRunsOfExperiment(outcome.experiment.id)).length, 6);
  assert.equal(resolutions.mock.callCount(), 6, 'one resolution per cell (not 6 up front + 6 per cell + 16 decodes)');
});

test('an API request resolves once, before the queue', async () => {
  const resolutions = countResolutions();
  const deps = { queue: createDecodeQueue({ concurrency: 1, maxWaiting: 4 }), session: DEFAULT_SESSION_SETTINGS };
  const body = JSON.stringify({ model: BUNDLED_AR_MODEL_ID, prompt: 'copy: ab\n', max_tokens: 4 });
  const response = await handleCompletions('completion', new Request('http://127.0.0.1/v1/completions', { method: 'POST', body }), deps);
  assert.equal(response.status, 200);
  await response.json();
  assert.equal(resolutions.mock.callCount(), 1);
});
