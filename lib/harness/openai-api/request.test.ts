import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSettings } from '../../engines/settings.ts';
import type { DecodingSettings, SettingsError } from '../../engines/types.ts';
import { FieldError } from '../../user-error.ts';
import { apiFailure, ModelNotFoundError, ParamError } from './errors.ts';
import { QueueFullError } from '../decode-queue.ts';
import { parseRequest } from './request.ts';
import { echoSettings, paramOfSettingsProblem, readApiSettings } from './settings.ts';

const chat = (extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user', content: 'copy: ab' }], ...extra });

function rejects(run: () => unknown, param: string, code?: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof FieldError, `expected a FieldError, got ${String(e)}`);
    assert.equal(e.field, param);
    if (code) assert.equal((e as ParamError).code, code);
    return true;
  });
}

test('a chat request: messages (text parts joined), stop as a string or a list, streaming options', () => {
  const parsed = parseRequest(
    chat({
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'copy:' },
            { type: 'text', text: 'ab' },
          ],
          name: 'me',
        },
        { role: 'assistant', content: null },
      ],
      stop: 'x',
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      user: 'someone',
      frequency_penalty: 0,
      logprobs: false,
      top_p: 1,
    }),
    'chat',
  );
  assert.deepEqual(parsed.messages, [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'copy:\nab', name: 'me' },
    { role: 'assistant', content: '' },
  ]);
  assert.deepEqual(parsed.stop, ['x']);
  assert.equal(parsed.stream, true);
  assert.equal(parsed.includeUsage, true);
  assert.deepEqual(parseRequest(chat({ stop: ['a', 'b'] }), 'chat').stop, ['a', 'b']);
});

test('a completion request takes one prompt string (or a list of one) and echo', () => {
  assert.equal(parseRequest({ model: 'm', prompt: ['sort: 31\n'], echo: true }, 'completion').prompt, 'sort: 31\n');
  assert.equal(parseRequest({ model: 'm', prompt: 'p', echo: true }, 'completion').echo, true);
  rejects(() => parseRequest({ model: 'm', prompt: ['a', 'b'] }, 'completion'), 'prompt', 'unsupported_parameter');
  rejects(() => parseRequest({ model: 'm', prompt: [1, 2] }, 'completion'), 'prompt');
  rejects(() => parseRequest({ model: 'm', prompt: '' }, 'completion'), 'prompt');
  rejects(() => parseRequest({ model: 'm', prompt: 'p', messages: [] }, 'completion'), 'messages', 'unknown_parameter');
  rejects(() => parseRequest({ model: 'm', prompt: 'p', max_completion_tokens: 3 }, 'completion'), 'max_completion_tokens');
});

test('every mistake names its parameter', () => {
  rejects(() => parseRequest([], 'chat'), 'body');
  rejects(() => parseRequest(chat({ model: undefined }), 'chat'), 'model');
  rejects(() => parseRequest(chat({ messages: [] }), 'chat'), 'messages');
  rejects(() => parseRequest(chat({ messages: [{ role: 'wizard', content: 'x' }] }), 'chat'), 'messages[0].role');
  rejects(
    () => parseRequest(chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }), 'chat'),
    'messages[0].content[0].type',
    'unsupported_parameter',
  );
  rejects(() => parseRequest(chat({ n: 2 }), 'chat'), 'n', 'unsupported_parameter');
  rejects(() => parseRequest(chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'chat'), 'stop');
  rejects(() => parseRequest(chat({ stop: [''] }), 'chat'), 'stop');
  rejects(() => parseRequest(chat({ stream: 'yes' }), 'chat'), 'stream');
  rejects(() => parseRequest(chat({ stream_options: { include_usage: true } }), 'chat'), 'stream_options');
  rejects(() => parseRequest(chat({ stream: true, stream_options: { include_usage: 1 } }), 'chat'), 'stream_options.include_usage');
  rejects(() => parseRequest(chat({ presence_penalty: 0.5 }), 'chat'), 'presence_penalty', 'unsupported_parameter');
  rejects(() => parseRequest(chat({ logprobs: true }), 'chat'), 'logprobs', 'unsupported_parameter');
  rejects(() => parseRequest(chat({ tools: [{ type: 'function' }] }), 'chat'), 'tools', 'unsupported_parameter');
  rejects(() => parseRequest(chat({ wobble: 1 }), 'chat'), 'wobble', 'unknown_parameter');
  // null is the same as leaving a field out
  assert.equal(parseRequest(chat({ n: null, stop: null, logit_bias: null, stream_options: null }), 'chat').stop.length, 0);
});

test('settings are read through the schema under OpenAI names; diffusion reads gen_length and steps', () => {
  assert.deepEqual(readApiSettings(chat({ max_tokens: 12, temperature: 0.5, top_p: 0.9, top_k: 5, seed: 7 }), 'autoregressive', 'm'), {
    settings: { maxNewTokens: 12, temperature: 0.5, topP: 0.9, topK: 5, seed: 7 },
    outputCap: null,
    lengthParam: 'max_tokens',
  });
  assert.equal(readApiSettings(chat({ max_completion_tokens: 9 }), 'autoregressive', 'm').settings.maxNewTokens, 9);
  // gen_length is the canvas; max_tokens caps the returned tokens and is the canvas's default
  assert.deepEqual(readApiSettings(chat({ max_tokens: 8, gen_length: 32, steps: 'L/4', block_length: 16, cache: 'dual', threshold: 0.9 }), 'diffusion', 'm'), {
    settings: { maxNewTokens: 32, steps: 8, blockLength: 16, cache: 'dual', threshold: 0.9 },
    outputCap: 8,
    lengthParam: 'gen_length',
  });
  assert.deepEqual(readApiSettings(chat({ max_tokens: 16, steps: 'L' }), 'diffusion', 'm'), {
    settings: { maxNewTokens: 16, steps: 16 },
    outputCap: 16,
    lengthParam: 'max_tokens',
  });
  assert.equal(readApiSettings(chat({ steps: 'L/2' }), 'diffusion', 'm').settings.steps, 32); // of the default length, 64
  // a setting the engine does not read is refused, unless it is that setting's default
  assert.deepEqual(readApiSettings(chat({ top_p: 1, top_k: 0 }), 'diffusion', 'm').settings, {});
  rejects(() => readApiSettings(chat({ top_p: 0.5 }), 'diffusion', 'm'), 'top_p', 'unsupported_parameter');
  rejects(() => readApiSettings(chat({ steps: 4 }), 'autoregressive', 'm'), 'steps', 'unsupported_parameter');
  rejects(() => readApiSettings(chat({ gen_length: 4 }), 'autoregressive', 'm'), 'gen_length', 'unsupported_parameter');
  // the schema's bounds, named as the request names them
  rejects(() => readApiSettings(chat({ temperature: -1 }), 'autoregressive', 'm'), 'temperature');
  rejects(() => readApiSettings(chat({ max_tokens: 0 }), 'autoregressive', 'm'), 'max_tokens');
  rejects(() => readApiSettings(chat({ max_completion_tokens: 1.5 }), 'autoregressive', 'm'), 'max_completion_tokens');
  rejects(() => readApiSettings(chat({ max_tokens: 3, max_completion_tokens: 3 }), 'autoregressive', 'm'), 'max_completion_tokens');
  rejects(() => readApiSettings(chat({ steps: 'L/x' }), 'diffusion', 'm'), 'steps');
  rejects(() => readApiSettings(chat({ remasking: 'best' }), 'diffusion', 'm'), 'remasking');
  rejects(() => readApiSettings(chat({ threshold: 1 }), 'diffusion', 'm'), 'threshold');
  rejects(() => readApiSettings(chat({ block_length: 0 }), 'block_diffusion', 'm'), 'block_length');
});

test('the settings used are echoed under the request names', () => {
  const used = {
    maxNewTokens: 8,
    temperature: 0,
    topK: 0,
    topP: 1,
    seed: 0,
    minNewTokens: 0,
    steps: 4,
    blockLength: 8,
    remasking: 'low_confidence',
    schedule: 'llada',
    threshold: null,
    factor: null,
    cache: 'none',
  } as const;
  assert.deepEqual(Object.keys(echoSettings(used, 'autoregressive')).sort(), ['max_tokens', 'min_tokens', 'seed', 'temperature', 'top_k', 'top_p']);
  assert.equal(echoSettings(used, 'diffusion').gen_length, 8);
  assert.equal(echoSettings(used, 'diffusion').steps, 4);
});

test("engine errors about settings name the request's parameter", () => {
  const api = { settings: {}, outputCap: 8, lengthParam: 'max_tokens' };
  const problem = (given: Partial<DecodingSettings>, engine: 'autoregressive' | 'diffusion' = 'diffusion', prompt = 3) => {
    try {
      resolveSettings(engine, given, prompt, 1024);
    } catch (error) {
      return paramOfSettingsProblem(error as SettingsError, api, engine);
    }
    throw new Error('expected a settings error');
  };
  assert.deepEqual(problem({ maxNewTokens: 2000 }), { param: 'max_tokens', code: 'context_length_exceeded' });
  assert.equal(problem({ maxNewTokens: 8, steps: 9 }).param, 'steps');
  assert.equal(problem({ maxNewTokens: 8, blockLength: 3 }).param, 'block_length');
  assert.equal(problem({ threshold: 0.9, factor: 1 }).param, 'factor');
  assert.equal(problem({ maxNewTokens: 8, minNewTokens: 9 }, 'autoregressive').param, 'min_tokens');
  assert.equal(problem({}, 'diffusion', 0).param, null);
});

test("errors take OpenAI's shape and status", () => {
  assert.deepEqual(apiFailure(new ParamError('n', 'must be 1', 'unsupported_parameter')), {
    status: 400,
    body: { error: { message: 'n: must be 1', type: 'invalid_request_error', param: 'n', code: 'unsupported_parameter' } },
    headers: {},
  });
  assert.equal(apiFailure(new FieldError('top_p', 'bad')).body.error.code, 'invalid_value');
  const missing = apiFailure(new ModelNotFoundError('The model "x" does not exist'));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'model_not_found');
  const busy = apiFailure(new QueueFullError('m', 7));
  assert.equal(busy.status, 429);
  assert.deepEqual(busy.headers, { 'Retry-After': '7' });
  const original = console.error;
  console.error = () => undefined; // a 500 is logged; keep the test output clean
  try {
    assert.equal(apiFailure(new Error('boom\nstack')).status, 500);
    assert.equal(apiFailure(new Error('boom\nstack')).body.error.message, 'internal error: boom');
  } finally {
    console.error = original;
  }
});
