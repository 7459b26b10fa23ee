// The playground with remote models in its panels (against the misbehaving loopback server): each panel runs
// the model picked for it, a task item goes to chat models as an instruction and their fenced reply is
// checked, a remote diffusion model streams text, and the stored pair carries the remote labels.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDatabase } from '../db/client.ts';
import { listRunsOfExperiment } from '../db/runs.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../engines/remote/misbehaving-server.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { playgroundModelChoices } from './model-choices.ts';
import { parsePlaygroundRequest, type PlaygroundEvent, runPlayground } from './playground.ts';

const KEY_ENV = 'DLM_TEST_PLAYGROUND_KEY';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-remote-playground-'));
const saved = { models: process.env.DLM_MODELS_DIR, db: process.env.DATABASE_URL };
let server: MisbehavingServer;

function folder(id: string, config: Record<string, unknown>): void {
  mkdirSync(path.join(scratch, 'models', id), { recursive: true });
  writeFileSync(
    path.join(scratch, 'models', id, 'config.json'),
    JSON.stringify({ decoding: 'remote', base_url: server.baseUrl, api_key_env: KEY_ENV, ...config }),
  );
}

before(async () => {
  server = await startMisbehavingServer();
  folder('remote-ar', { model: 'stream', paradigm: 'autoregressive', price_per_million: { input: 1, output: 1 } });
  folder('remote-dllm', { model: 'stream', paradigm: 'diffusion' });
  folder('remote-keyless', { model: 'stream', paradigm: 'diffusion', api_key_env: 'DLM_TEST_UNSET_VARIABLE' });
  process.env.DLM_MODELS_DIR = path.join(scratch, 'models');
  process.env.DATABASE_URL = `file:${path.join(scratch, 'playground.db')}`;
  process.env[KEY_ENV] = 'sk-fake-playground';
});
after(async () => {
  await closeDatabase();
  await server.close();
  for (const [key, value] of [
    ['DLM_MODELS_DIR', saved.models],
    ['DATABASE_URL', saved.db],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  delete process.env[KEY_ENV];
  rmSync(scratch, { recursive: true, force: true });
});

describe('playground with remote models', () => {
  test('choices: bundled model first, remote ones by paradigm, a missing key disables one', async () => {
    const choices = await playgroundModelChoices();
    assert.equal(choices.autoregressive[0]!.id, 'tiny-llama-ar');
    assert.equal(choices.diffusion[0]!.id, 'tiny-llama-diffusion');
    assert.ok(choices.autoregressive.some((c) => c.id === 'remote-ar' && /^remote, network included/.test(c.remote!) && c.unavailable === null));
    assert.ok(choices.diffusion.some((c) => c.id === 'remote-dllm'));
    assert.equal(choices.diffusion.find((c) => c.id === 'remote-keyless')!.unavailable, 'set DLM_TEST_UNSET_VARIABLE');
    assert.ok(!choices.diffusion.some((c) => c.id === 'remote-ar'));
  });

  test('both panels remote: instruction prompts, streamed text in both, verdicts, a stored pair', async () => {
    const request = parsePlaygroundRequest({
      item: { task: 'reverse', length: 6, index: 0 },
      models: { autoregressive: 'remote-ar', diffusion: 'remote-dllm' },
      diffusion: { steps: 'L/2', remasking: 'low_confidence', cache: 'none' },
      store: true,
    });
    const events: PlaygroundEvent[] = [];
    await runPlayground(request, (e) => events.push(e), createDecodeQueue());
    const meta = events.find((e) => e.type === 'meta')!;
    assert.ok(meta.type === 'meta' && /^remote, network included/.test(meta.remote!.diffusion!) && meta.models.autoregressive === 'remote-ar');
    assert.ok(events.some((e) => e.type === 'token' && e.engine === 'diffusion'));
    const done = events.filter((e) => e.type === 'done');
    assert.deepEqual(
      done.map((e) => e.type === 'done' && [e.engine, e.passed]),
      [
        ['autoregressive', true],
        ['diffusion', true],
      ],
    );
    const sent = server.requests.slice(-2).map((r) => (r.body.messages as { content: string }[])[0]!.content);
    assert.ok(
      sent.every((p) => p.startsWith('Reverse this string. Reply with the reversed string only: ')),
      sent.join(' | '),
    );
    assert.ok(server.requests.slice(-2).every((r) => r.body.steps === undefined)); // the panel's diffusion-only settings stay local
    const summary = events.find((e) => e.type === 'summary')!;
    assert.ok(summary.type === 'summary' && summary.experimentId && summary.speedup! > 0);
    const runs = await listRunsOfExperiment(summary.experimentId!);
    assert.deepEqual(
      runs.map((r) => [r.engine, r.remote, r.passed]),
      [
        ['autoregressive', true, true],
        ['diffusion', true, true],
      ],
    );
  });

  test('a model that cannot stand in a panel is a field error', async () => {
    const request = parsePlaygroundRequest({ prompt: 'hi', models: { diffusion: 'remote-ar' } });
    await assert.rejects(
      runPlayground(request, () => undefined, createDecodeQueue()),
      /models\.diffusion: "remote-ar" cannot stand in the diffusion panel/,
    );
    assert.throws(() => parsePlaygroundRequest({ prompt: 'hi', models: { autoregressive: 'bad id!' } }), /models\.autoregressive/);
    const keyless = parsePlaygroundRequest({ prompt: 'hi', models: { diffusion: 'remote-keyless' } });
    await assert.rejects(
      runPlayground(keyless, () => undefined, createDecodeQueue()),
      /models\.diffusion: set DLM_TEST_UNSET_VARIABLE/,
    );
  });
});
