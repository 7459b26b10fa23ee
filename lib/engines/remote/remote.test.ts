// The remote engine against a misbehaving loopback server: streamed and whole answers, with and without
// usage, 401, 429 with Retry-After, 5xx until retries run out, timeouts, a broken stream, malformed chunks,
// cancellation, and what the request body carries. No test reaches past 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeModelFolder } from '../../models/discover.ts';
import { UserError } from '../../user-error.ts';
import type { GenerationEvent } from '../types.ts';
import { createRemoteEngine, type RemoteEngineOptions } from './engine.ts';
import { RemoteAuthError, RemoteRequestError, RemoteSettingsError } from './errors.ts';
import { type Behaviour, type MisbehavingServer, startMisbehavingServer } from './misbehaving-server.ts';
import { loadRemoteModel } from './remote-model.ts';

const KEY_ENV = 'DLM_TEST_REMOTE_KEY';
const KEY = 'sk-test-remote-4f1c9e0b7a2d';
const FAST_RETRY: RemoteEngineOptions = { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5000 } };

let server: MisbehavingServer;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-remote-test-'));

before(async () => {
  server = await startMisbehavingServer();
  process.env[KEY_ENV] = KEY;
});
after(async () => {
  await server.close();
  delete process.env[KEY_ENV];
  rmSync(scratch, { recursive: true, force: true });
});

async function remoteModel(behaviour: Behaviour, extra: Record<string, unknown> = {}) {
  const dir = path.join(scratch, `${behaviour}-${Object.keys(extra).join('-')}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  const config = {
    decoding: 'remote',
    base_url: server.baseUrl,
    model: behaviour,
    api_key_env: KEY_ENV,
    paradigm: 'autoregressive',
    price_per_million: { input: 1, output: 4 },
    ...extra,
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const info = await describeModelFolder(dir);
  assert.deepEqual(info.problems, []);
  return loadRemoteModel(info);
}

const lastBody = () => server.requests.at(-1)!.body;

describe('remote engine: answers', () => {
  test('a streamed chat answer: one token event per delta, usage from the provider, cost, labels', async () => {
    const engine = createRemoteEngine(await remoteModel('stream'));
    const events: GenerationEvent[] = [];
    const result = await engine.generate(
      { prompt: 'Copy this string: abcdefgh', settings: { maxNewTokens: 32, temperature: 0.5, topP: 0.9, seed: 7 } },
      { onEvent: (e) => events.push(e) },
    );
    assert.equal(result.text, '```\nabcdefgh\n```');
    const tokens = events.filter((e) => e.type === 'token');
    assert.equal(tokens.map((e) => e.text).join(''), result.text);
    assert.ok(tokens.length > 1, 'several deltas');
    assert.equal(events[0]!.type, 'start');
    assert.equal(result.remote!.tokenSource, 'usage');
    assert.equal(result.remote!.tokensEstimated, false);
    assert.equal(result.timings.generatedTokens, Math.ceil(result.text.length / 3)); // the server's usage
    assert.equal(result.remote!.promptTokens, Math.ceil('Copy this string: abcdefgh'.length / 3));
    assert.equal(result.remote!.costUsd, (result.remote!.promptTokens * 1 + result.timings.generatedTokens * 4) / 1e6);
    assert.match(result.remote!.label, /^remote, network included \(127\.0\.0\.1:\d+\)$/);
    assert.equal(result.stopReason, 'eos');
    assert.equal(result.remote!.attempts, 1);
    assert.ok(result.timings.ttftMs <= result.timings.totalMs);
    const body = lastBody();
    assert.equal(server.requests.at(-1)!.path, '/v1/chat/completions');
    assert.equal(server.requests.at(-1)!.bearer, true);
    assert.deepEqual(body.messages, [{ role: 'user', content: 'Copy this string: abcdefgh' }]);
    assert.equal(body.max_tokens, 32);
    assert.equal(body.temperature, 0.5);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.seed, 7);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.ok(!JSON.stringify(body).includes(KEY), 'the key is never in the body');
  });

  test('a stream without usage: tokens estimated and labelled so', async () => {
    const result = await createRemoteEngine(await remoteModel('stream-no-usage')).generate({ prompt: 'Copy this string: abcdefgh' });
    assert.equal(result.text, '```\nabcdefgh\n```');
    assert.equal(result.remote!.tokenSource, 'estimate');
    assert.equal(result.remote!.tokensEstimated, true);
    assert.equal(result.timings.generatedTokens, Math.ceil(result.text.length / 4));
  });

  test('a whole JSON answer when stream was asked for (with and without usage)', async () => {
    const withUsage = await createRemoteEngine(await remoteModel('whole')).generate({ prompt: 'Copy this string: xyz' });
    assert.equal(withUsage.text, '```\nxyz\n```');
    assert.equal(withUsage.remote!.tokenSource, 'usage');
    assert.equal(withUsage.timings.ttftMs, withUsage.timings.totalMs);
    const without = await createRemoteEngine(await remoteModel('whole-no-usage')).generate({ prompt: 'Copy this string: xyz' });
    assert.equal(without.text, '```\nxyz\n```');
    assert.equal(without.remote!.tokensEstimated, true);
  });

  test('text completions (chat: false) post the raw prompt to /completions', async () => {
    const result = await createRemoteEngine(await remoteModel('stream', { chat: false })).generate({ prompt: 'copy: k3x9\n' });
    assert.equal(server.requests.at(-1)!.path, '/v1/completions');
    assert.equal(lastBody().prompt, 'copy: k3x9\n');
    assert.equal(lastBody().messages, undefined);
    assert.equal(result.text, '```\nk3x9\n```');
  });

  test('a self-hosted server without auth: no "api_key_env", no Authorization header', async () => {
    const model = await remoteModel('stream', { api_key_env: undefined });
    assert.equal(model.remote.apiKeyEnv, null);
    const result = await createRemoteEngine(model).generate({ prompt: 'Copy this string: ab' });
    assert.equal(result.text, '```\nab\n```');
    assert.equal(server.requests.at(-1)!.bearer, false);
  });

  test('cancellation aborts the request and returns what arrived, marked cancelled', async () => {
    const controller = new AbortController();
    const engine = createRemoteEngine(await remoteModel('stall-body', { timeout_s: 30 }));
    const started = performance.now();
    const pending = engine.generate(
      { prompt: 'Copy this string: abcdef' },
      { signal: controller.signal, onEvent: (e) => e.type === 'token' && controller.abort() },
    );
    const result = await pending;
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.text, '```');
    assert.ok(performance.now() - started < 5000);
  });
});

describe('remote engine: failures', () => {
  test('401: one line naming the variable, a UserError, and the echoed key is cut out', async () => {
    const engine = createRemoteEngine(await remoteModel('auth'));
    await assert.rejects(engine.generate({ prompt: 'hi' }), (error: Error) => {
      assert.ok(error instanceof RemoteAuthError && error instanceof UserError);
      assert.match(error.message, new RegExp(`\\$${KEY_ENV}`));
      assert.ok(!error.message.includes(KEY), error.message);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  });

  test('a missing key variable: "set NAME" before any request', async () => {
    const model = await remoteModel('stream');
    delete process.env[KEY_ENV];
    try {
      const before = server.requests.length;
      await assert.rejects(createRemoteEngine(model).generate({ prompt: 'hi' }), new RegExp(`set ${KEY_ENV}`));
      assert.equal(server.requests.length, before);
    } finally {
      process.env[KEY_ENV] = KEY;
    }
  });

  test('429 with Retry-After in seconds: waits as asked, then succeeds', async () => {
    const waits: number[] = [];
    const engine = createRemoteEngine(await remoteModel('rate-limited'), { ...FAST_RETRY, sleep: async (ms) => void waits.push(ms) });
    const result = await engine.generate({ prompt: 'Copy this string: abc' });
    assert.equal(result.text, '```\nabc\n```');
    assert.deepEqual(waits, [1000]);
    assert.equal(result.remote!.attempts, 2);
  });

  test('429 with Retry-After as an HTTP date: honoured too', async () => {
    const waits: number[] = [];
    const engine = createRemoteEngine(await remoteModel('rate-limited-date'), { ...FAST_RETRY, sleep: async (ms) => void waits.push(ms) });
    await engine.generate({ prompt: 'Copy this string: abc' });
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! > 0 && waits[0]! <= 2000, String(waits[0]));
  });

  test('5xx until the retries run out: a clear error after maxRetries + 1 attempts, with growing backoff', async () => {
    const waits: number[] = [];
    const engine = createRemoteEngine(await remoteModel('always-500'), {
      retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 1000 },
      sleep: async (ms) => void waits.push(ms),
    });
    const before = server.requests.length;
    await assert.rejects(engine.generate({ prompt: 'hi' }), (error: Error) => {
      assert.ok(error instanceof RemoteRequestError && !(error instanceof UserError));
      assert.equal(error.kind, 'retries-exhausted');
      assert.match(error.message, /failed 4 attempts.*HTTP 503: The engine is currently overloaded/);
      return true;
    });
    assert.equal(server.requests.length - before, 4);
    assert.deepEqual(waits, [10, 20, 40]);
  });

  test('another 4xx is not retried and carries the provider message', async () => {
    const before = server.requests.length;
    await assert.rejects(createRemoteEngine(await remoteModel('bad-request'), FAST_RETRY).generate({ prompt: 'hi' }), /HTTP 400.*max_tokens is too large/);
    assert.equal(server.requests.length - before, 1);
  });

  test('per-request timeout: no headers within timeout_s', async () => {
    const started = performance.now();
    await assert.rejects(createRemoteEngine(await remoteModel('stall-headers', { timeout_s: 0.3 })).generate({ prompt: 'hi' }), (error: Error) => {
      assert.ok(error instanceof RemoteRequestError);
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /within 0\.3 s/);
      return true;
    });
    assert.ok(performance.now() - started < 3000);
  });

  test('per-request timeout: a stream that stops mid-way', async () => {
    await assert.rejects(
      createRemoteEngine(await remoteModel('stall-body', { timeout_s: 0.3 })).generate({ prompt: 'Copy this string: abcdef' }),
      (error: Error) => {
        assert.ok(error instanceof RemoteRequestError && error.kind === 'timeout');
        assert.match(error.message, /did not finish within 0\.3 s.*1 chunks/);
        return true;
      },
    );
  });

  test('a stream that breaks mid-way fails with the reason', async () => {
    await assert.rejects(createRemoteEngine(await remoteModel('break')).generate({ prompt: 'Copy this string: abcdefgh' }), (error: Error) => {
      assert.ok(error instanceof RemoteRequestError);
      assert.ok(error.kind === 'stream-broken', error.kind);
      assert.match(error.message, /broke after 2 chunks|ended after 2 chunks/);
      return true;
    });
  });

  test('a stream that closes without finish_reason or [DONE] is not taken as complete', async () => {
    await assert.rejects(
      createRemoteEngine(await remoteModel('no-done')).generate({ prompt: 'Copy this string: abcdefgh' }),
      /ended after \d+ chunks without finishing/,
    );
  });

  test('a malformed chunk fails the run with a clear reason (no crash)', async () => {
    await assert.rejects(createRemoteEngine(await remoteModel('malformed')).generate({ prompt: 'Copy this string: abcdefgh' }), (error: Error) => {
      assert.ok(error instanceof RemoteRequestError && error.kind === 'malformed');
      assert.match(error.message, /malformed chunk \(#2\): not JSON/);
      return true;
    });
  });

  test('diffusion-only settings and top-k are refused before any request', async () => {
    const engine = createRemoteEngine(await remoteModel('stream', { paradigm: 'diffusion' }));
    const before = server.requests.length;
    await assert.rejects(
      engine.generate({ prompt: 'hi', settings: { steps: 8 } }),
      (e: Error) => e instanceof RemoteSettingsError && /steps only apply to local diffusion models/.test(e.message),
    );
    await assert.rejects(engine.generate({ prompt: 'hi', settings: { threshold: 0.9, cache: 'dual' } }), /threshold, cache only apply/);
    await assert.rejects(engine.generate({ prompt: 'hi', settings: { topK: 5 } }), /top-k/);
    await assert.rejects(engine.generate({ prompt: 'hi', settings: { minNewTokens: 8 } }), /exact output length/);
    await assert.rejects(engine.generate({ prompt: 'hi', settings: { temperature: 3 } }), /temperature/);
    assert.equal(server.requests.length, before);
    assert.equal(engine.kind, 'diffusion');
  });

  test('an unreachable host is retried, then reported without the key', async () => {
    const closed = await startMisbehavingServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const model = await remoteModel('stream', { base_url: baseUrl });
    await assert.rejects(createRemoteEngine(model, FAST_RETRY).generate({ prompt: 'hi' }), (error: Error) => {
      assert.match(error.message, /failed 3 attempts.*cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
  });
});
