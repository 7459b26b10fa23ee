// The remote engine's pure parts: SSE framing, chunk shapes, retry policy, request mapping, token counting,
// redaction, and the folder format's validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRemoteConfig } from '../../models/remote-config.ts';
import { MalformedChunkError, readChunk } from './chunks.ts';
import { providerMessage, redact } from './errors.ts';
import { buildRequestBody, endpointUrl, resolveRemoteSettings } from './request.ts';
import { parseRetryAfter, retryDelayMs } from './retry.ts';
import { sseData } from './sse.ts';
import { costUsd, countTokens, estimateTokens } from './token-count.ts';

async function collect(parts: string[]): Promise<string[]> {
  const encoder = new TextEncoder();
  async function* stream() {
    for (const p of parts) yield encoder.encode(p);
  }
  const out: string[] = [];
  for await (const d of sseData(stream())) out.push(d);
  return out;
}

describe('sseData', () => {
  test('events split across chunks, CRLF and CR line ends, comments, multi-line data, optional space', async () => {
    assert.deepEqual(await collect(['data: a', 'b\n\nda', 'ta:c\r\n\r\n: comment\n\n', 'event: x\ndata: d1\ndata: d2\n\n']), ['ab', 'c', 'd1\nd2']);
    assert.deepEqual(await collect(['data: one\r', '\rdata: two\r\r']), ['one', 'two']);
  });
  test('a final event without its blank line is still delivered; an empty stream yields nothing', async () => {
    assert.deepEqual(await collect(['data: [DONE]']), ['[DONE]']);
    assert.deepEqual(await collect([]), []);
  });
  test('multi-byte characters split between chunks decode whole', async () => {
    const bytes = new TextEncoder().encode('data: é✓\n\n');
    async function* stream() {
      for (const b of bytes) yield Uint8Array.of(b);
    }
    const out: string[] = [];
    for await (const d of sseData(stream())) out.push(d);
    assert.deepEqual(out, ['é✓']);
  });
});

describe('readChunk', () => {
  test('chat deltas, role-only chunks, finish reasons and the usage chunk', () => {
    assert.deepEqual(readChunk('{"choices":[{"delta":{"content":"hi"},"finish_reason":null}]}', true), { text: 'hi', finishReason: null, usage: null });
    assert.deepEqual(readChunk('{"choices":[{"delta":{"role":"assistant"}}]}', true), { text: '', finishReason: null, usage: null });
    assert.equal(readChunk('{"choices":[{"delta":{},"finish_reason":"length"}]}', true).finishReason, 'length');
    assert.deepEqual(readChunk('{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5}}', true).usage, { promptTokens: 3, completionTokens: 5 });
  });
  test('text completions and whole responses', () => {
    assert.equal(readChunk('{"choices":[{"text":"x"}]}', false).text, 'x');
    assert.equal(readChunk('{"choices":[{"message":{"content":"all"},"finish_reason":"stop"}]}', true, true).text, 'all');
  });
  test('anything else is malformed, with a reason', () => {
    for (const [json, reason] of [
      ['{"choices": [', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{"id":1}', /no "choices"/],
      ['{"choices":[{"delta":{"content":5}}]}', /not a string/],
      ['{"choices":[{}]}', /delta is missing/],
      ['{"error":{"message":"overloaded"}}', /reported an error mid-stream: overloaded/],
    ] as const) {
      assert.throws(
        () => readChunk(json, true),
        (e: Error) => e instanceof MalformedChunkError && reason.test(e.message),
        json,
      );
    }
  });
});

describe('retry policy', () => {
  test('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0.5', now), 500);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
  test('exponential backoff, Retry-After when longer, both capped', () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, null, policy)),
      [100, 200, 400, 800, 1000],
    );
    assert.equal(retryDelayMs(1, 700, policy), 700);
    assert.equal(retryDelayMs(3, 50, policy), 400);
    assert.equal(retryDelayMs(1, 3_600_000, policy), 1000);
  });
});

describe('request mapping', () => {
  test('defaults as the local engines fill them; temperature, top_p, seed and max_tokens map', () => {
    const s = resolveRemoteSettings({ maxNewTokens: 16, temperature: 0.7, topP: 0.5, seed: 3 }, 'm');
    assert.equal(s.steps, 16);
    assert.equal(s.cache, 'none');
    const body = buildRequestBody('gpt-x', true, 'hello', s);
    assert.deepEqual(body, {
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 16,
      temperature: 0.7,
      top_p: 0.5,
      seed: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(buildRequestBody('gpt-x', false, 'p', resolveRemoteSettings({}, 'm')).top_p, undefined);
  });
  test('refusals name the remote model', () => {
    assert.throws(() => resolveRemoteSettings({ remasking: 'random' }, 'remote-x'), /remote-x is a remote model: remasking only apply/);
    assert.throws(() => resolveRemoteSettings({ maxNewTokens: 100 }, 'remote-x', 50), /exceeds its context of 50/);
    assert.throws(() => resolveRemoteSettings({ maxNewTokens: 0 }, 'remote-x'), /max tokens/);
  });
  test('endpoints under any /v1 root', () => {
    assert.equal(endpointUrl('https://api.example.com/v1', true), 'https://api.example.com/v1/chat/completions');
    assert.equal(
      endpointUrl('https://generativelanguage.googleapis.com/v1beta/openai/', false),
      'https://generativelanguage.googleapis.com/v1beta/openai/completions',
    );
  });
});

describe('tokens and cost', () => {
  test('usage first, then a tokenizer, then a labelled estimate', () => {
    assert.deepEqual(countTokens('abcd', 'abcdefgh', { promptTokens: 9, completionTokens: 2 }, null), { promptTokens: 9, generatedTokens: 2, source: 'usage' });
    const chars = { encode: (t: string) => [...t].map((c) => c.charCodeAt(0)), decode: () => '', tokenText: () => '' };
    assert.deepEqual(countTokens('abcd', 'abcdefgh', null, chars), { promptTokens: 4, generatedTokens: 8, source: 'tokenizer' });
    assert.deepEqual(countTokens('abcd', 'abcdefghi', null, null), { promptTokens: 1, generatedTokens: 3, source: 'estimate' });
    assert.equal(estimateTokens(''), 0);
  });
  test('cost is usage × price per million', () => {
    assert.equal(costUsd(1_000_000, 500_000, { input: 0.15, output: 0.6 }), 0.45);
    assert.equal(costUsd(10, 10, null), null);
  });
});

describe('secrets in provider messages', () => {
  test('the key and any bearer token are cut out, long messages bounded', () => {
    const key = 'sk-live-abc123';
    assert.equal(redact(`bad key ${key} (Bearer ${key})`, key), 'bad key [redacted] (Bearer [redacted])');
    assert.equal(providerMessage(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` } }), key), 'Incorrect API key provided: [redacted]');
    assert.ok(redact('x'.repeat(1000), undefined).length <= 201);
  });
});

describe('remote folder format', () => {
  const good = { decoding: 'remote', base_url: 'https://api.example.com/v1/', model: 'm-1', api_key_env: 'EXAMPLE_KEY', paradigm: 'diffusion' };
  test('a valid folder, defaults filled', () => {
    const { config, problems } = parseRemoteConfig(good);
    assert.deepEqual(problems, []);
    assert.equal(config!.baseUrl, 'https://api.example.com/v1');
    assert.equal(config!.host, 'api.example.com');
    assert.equal(config!.chat, true);
    assert.equal(config!.price, null);
  });
  test('every problem is listed', () => {
    const { config, problems } = parseRemoteConfig({
      decoding: 'remote',
      base_url: 'ftp://x',
      api_key_env: 'sk-123 not a name',
      paradigm: 'block',
      chat: 'yes',
      price_per_million: { input: -1 },
      max_concurrency: 0,
      timeout_s: -2,
      api_key: 'sk-oops',
    });
    assert.equal(config, null);
    for (const pattern of [
      /unknown field "api_key"/,
      /base_url" must be http/,
      /"model" is required/,
      /api_key_env/,
      /"paradigm"/,
      /"chat"/,
      /price_per_million/,
      /max_concurrency/,
      /timeout_s/,
    ]) {
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern} in ${problems.join(' | ')}`,
      );
    }
  });
  test('credentials in the URL are refused', () => {
    assert.ok(parseRemoteConfig({ ...good, base_url: 'https://user:sk-secret@api.example.com/v1' }).problems.some((p) => /credentials/.test(p)));
  });
});

describe('max_concurrency slots', () => {
  test('at most `limit` holders at once; the rest wait in order and get the slot as it is released', async () => {
    const { acquireSlot } = await import('./slots.ts');
    const order: string[] = [];
    const first = await acquireSlot('k', 2);
    const second = await acquireSlot('k', 2);
    const third = acquireSlot('k', 2).then((release) => (order.push('third'), release));
    const fourth = acquireSlot('k', 2).then((release) => (order.push('fourth'), release));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(order, []);
    first();
    first(); // releasing twice frees one slot only
    const releaseThird = await third;
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(order, ['third']);
    second();
    (await fourth)();
    releaseThird();
    assert.deepEqual(order, ['third', 'fourth']);
    const again = await acquireSlot('k', 2); // all free again
    again();
  });
  test('a waiter whose signal aborts leaves the line without taking a slot', async () => {
    const { acquireSlot } = await import('./slots.ts');
    const held = await acquireSlot('j', 1);
    const controller = new AbortController();
    const waiting = acquireSlot('j', 1, controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(waiting, /stopped/);
    held();
    const next = await acquireSlot('j', 1); // the slot is free: the aborted waiter did not keep it
    next();
  });
});
