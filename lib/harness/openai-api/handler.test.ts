// The API's request → response logic on the bundled models, without a server: the 429 path with a queue of
// depth 0, streamed and whole responses agreeing, the cap and stop strings, and a client that leaves.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createEngine, disposeAllModels, loadModel } from '../../engines/index.ts';
import { DEFAULT_SESSION_SETTINGS } from '../../engines/types.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from '../bundled-models.ts';
import { createDecodeQueue } from '../decode-queue.ts';
import { handleCompletions, handleListModels, handleRetrieveModel } from './handler.ts';

after(disposeAllModels);

const deps = (maxWaiting = 4) => ({ queue: createDecodeQueue({ concurrency: 1, maxWaiting }), session: DEFAULT_SESSION_SETTINGS });

const post = (body: unknown, signal?: AbortSignal) => new Request('http://127.0.0.1/v1/x', { method: 'POST', body: JSON.stringify(body), signal });

interface Streamed {
  text: string;
  finishReason: string | null;
  usage: unknown;
  chunks: Record<string, unknown>[];
  done: boolean;
}

async function readStream(response: Response): Promise<Streamed> {
  const body = await response.text();
  const events = body
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ''));
  const done = events.at(-1) === '[DONE]';
  const chunks = events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e) as Record<string, unknown>);
  let text = '';
  let finishReason: string | null = null;
  let usage: unknown = null;
  for (const c of chunks) {
    const choice = (c.choices as { delta?: { content?: string }; text?: string; finish_reason: string | null }[])[0];
    if (c.usage) usage = c.usage;
    if (!choice) continue;
    text += choice.delta?.content ?? choice.text ?? '';
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { text, finishReason, usage, chunks, done };
}

test('a full queue answers 429 with Retry-After before anything is streamed', async () => {
  const d = deps(0);
  const hold = await d.queue.acquire(BUNDLED_AR_MODEL_ID);
  const busy = await handleCompletions('chat', post({ model: BUNDLED_AR_MODEL_ID, messages: [{ role: 'user', content: 'copy: ab' }], stream: true }), d);
  assert.equal(busy.status, 429);
  assert.ok(Number(busy.headers.get('Retry-After')) >= 1);
  assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
  hold();
  const free = await handleCompletions('chat', post({ model: BUNDLED_AR_MODEL_ID, messages: [{ role: 'user', content: 'copy: ab' }], max_tokens: 4 }), d);
  assert.equal(free.status, 200);
  assert.deepEqual(d.queue.status(BUNDLED_AR_MODEL_ID), { active: 0, waiting: 0 });
});

test('an unknown model is a 404 model_not_found; a bad parameter a 400 naming it; the model list', async () => {
  const missing = await handleCompletions('completion', post({ model: 'no-such-model', prompt: 'x' }), deps());
  assert.equal(missing.status, 404);
  assert.deepEqual(((await missing.json()) as { error: { param: string; code: string } }).error.param, 'model');
  const bad = await handleCompletions('completion', post({ model: BUNDLED_DIFFUSION_MODEL_ID, prompt: 'x', gen_length: 8, block_length: 3 }), deps());
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { param: string } }).error.param, 'block_length');
  const notJson = await handleCompletions('chat', new Request('http://127.0.0.1/', { method: 'POST', body: '{' }), deps());
  assert.equal(((await notJson.json()) as { error: { param: string } }).error.param, 'body');
  const list = (await (await handleListModels()).json()) as { object: string; data: { id: string; object: string; dlm: { paradigm: string } }[] };
  assert.equal(list.object, 'list');
  const ids = list.data.map((m) => m.id);
  assert.ok(ids.includes(BUNDLED_AR_MODEL_ID) && ids.includes(BUNDLED_DIFFUSION_MODEL_ID));
  assert.equal(list.data.find((m) => m.id === BUNDLED_DIFFUSION_MODEL_ID)!.dlm.paradigm, 'diffusion');
  assert.equal((await handleRetrieveModel('no-such-model')).status, 404);
});

for (const model of [BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID]) {
  test(`${model}: streamed and whole responses agree, and match the engine's own greedy output`, async () => {
    const prompt = 'reverse: kqzmw\n';
    const body = { model, prompt, max_tokens: 16 };
    const whole = (await (await handleCompletions('completion', post(body), deps())).json()) as {
      choices: { text: string; finish_reason: string }[];
      usage: { completion_tokens: number; prompt_tokens: number };
      dlm: { nfe: number; hardware: string };
    };
    const streamed = await readStream(await handleCompletions('completion', post({ ...body, stream: true, stream_options: { include_usage: true } }), deps()));
    const direct = await createEngine(await loadModel(model)).generate({ prompt, settings: { maxNewTokens: 16 } });
    assert.equal(whole.choices[0]!.text, direct.text);
    assert.equal(streamed.text, direct.text);
    assert.equal(whole.choices[0]!.finish_reason, direct.stopReason === 'eos' ? 'stop' : 'length');
    assert.equal(streamed.finishReason, whole.choices[0]!.finish_reason);
    assert.deepEqual(streamed.usage, whole.usage);
    assert.equal(whole.usage.completion_tokens, direct.tokenIds.length);
    assert.equal(whole.dlm.nfe, direct.timings.forwardPasses);
    assert.equal(whole.dlm.hardware, 'CPU');
    assert.ok(streamed.done);
    if (model === BUNDLED_DIFFUSION_MODEL_ID) {
      const steps = streamed.chunks.filter((c) => (c.dlm as { canvas?: string } | undefined)?.canvas !== undefined);
      assert.equal(steps.length, direct.timings.forwardPasses); // one chunk per denoising step, each with the whole canvas
      assert.match((steps[0]!.dlm as { canvas: string }).canvas, /·/);
    }
  });

  test(`${model}: a chat prompt is the last user message plus a newline; stop strings cut the text`, async () => {
    const viaChat = (await (
      await handleCompletions('chat', post({ model, messages: [{ role: 'user', content: 'copy: abcdef' }], max_tokens: 12 }), deps())
    ).json()) as {
      choices: { message: { content: string } }[];
    };
    const viaPrompt = (await (await handleCompletions('completion', post({ model, prompt: 'copy: abcdef\n', max_tokens: 12 }), deps())).json()) as {
      choices: { text: string }[];
    };
    const full = viaPrompt.choices[0]!.text;
    assert.equal(viaChat.choices[0]!.message.content, full);
    assert.ok(full.length >= 3, `expected some output, got ${JSON.stringify(full)}`);
    const stop = full.slice(2, 3);
    for (const stream of [false, true]) {
      const response = await handleCompletions('completion', post({ model, prompt: 'copy: abcdef\n', max_tokens: 12, stop: [stop, 'never'], stream }), deps());
      const { text, finishReason } = stream
        ? await readStream(response)
        : ((r: { choices: { text: string; finish_reason: string }[] }) => ({ text: r.choices[0]!.text, finishReason: r.choices[0]!.finish_reason }))(
            await response.json(),
          );
      assert.equal(text, full.slice(0, full.indexOf(stop)));
      assert.equal(finishReason, 'stop');
    }
  });
}

test('diffusion: max_tokens below gen_length cuts the returned tokens (finish "length")', async () => {
  const response = (await (
    await handleCompletions('completion', post({ model: BUNDLED_DIFFUSION_MODEL_ID, prompt: 'copy: abcdefghij\n', gen_length: 16, max_tokens: 4 }), deps())
  ).json()) as {
    choices: { text: string; finish_reason: string }[];
    usage: { completion_tokens: number };
    dlm: { settings: { gen_length: number } };
  };
  assert.equal(response.choices[0]!.text, 'abcd');
  assert.equal(response.choices[0]!.finish_reason, 'length');
  assert.equal(response.usage.completion_tokens, 4);
  assert.equal(response.dlm.settings.gen_length, 16);
});

test('a client that leaves mid-stream aborts the decode and frees the model', async () => {
  const d = deps();
  const controller = new AbortController();
  const response = await handleCompletions(
    'completion',
    post({ model: BUNDLED_DIFFUSION_MODEL_ID, prompt: 'copy: abc\n', gen_length: 512, steps: 512, stream: true }, controller.signal),
    d,
  );
  assert.equal(response.headers.get('Content-Type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /"canvas"/); // the first step's chunk
  controller.abort();
  await reader.cancel();
  // A whole decode takes seconds here; an aborted one ends within one forward.
  for (let i = 0; i < 200 && d.queue.status(BUNDLED_DIFFUSION_MODEL_ID).active > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(d.queue.status(BUNDLED_DIFFUSION_MODEL_ID), { active: 0, waiting: 0 });
});
