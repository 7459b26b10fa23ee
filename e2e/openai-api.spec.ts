// The OpenAI-compatible API of the running server, driven by the official `openai` client: both bundled
// models, streamed and not, greedy output equal to `dlm generate`, the diffusion canvas in the stream, and
// OpenAI's error objects for bad requests. (The 429 path is tested in lib/harness/openai-api/handler.test.ts.)
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import OpenAI from 'openai';

const AR = 'tiny-llama-ar';
const DIFFUSION = 'tiny-llama-diffusion';

const clientFor = (baseURL: string | undefined) => new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'unused', maxRetries: 0 });

/** `dlm generate --json`: the reference output for a prompt ("\n" typed as two characters, as on a shell). */
function dlmGenerate(model: string, prompt: string, flags: string[]): { text: string; stopReason: string; tokenIds: number[] } {
  const out = execFileSync(process.execPath, ['bin/dlm.mjs', 'generate', '--model', model, '--prompt', prompt.replace(/\n/g, '\\n'), ...flags, '--json'], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { text: string; stopReason: string; tokenIds: number[] };
}

// Extra body fields (diffusion settings) go through the client as they are.
type Extra = Record<string, unknown>;

test('GET /v1/models lists both bundled models with their paradigm', async ({ baseURL }) => {
  const client = clientFor(baseURL);
  const models = [];
  for await (const model of client.models.list()) models.push(model as typeof model & { dlm: { paradigm: string; decoding: string } });
  const byId = new Map(models.map((m) => [m.id, m]));
  expect(byId.get(AR)).toMatchObject({ object: 'model', owned_by: 'diffusion-playground', dlm: { paradigm: 'autoregressive', decoding: 'autoregressive' } });
  expect(byId.get(DIFFUSION)).toMatchObject({ object: 'model', owned_by: 'diffusion-playground', dlm: { paradigm: 'diffusion', decoding: 'diffusion' } });
  expect((await client.models.retrieve(AR)).id).toBe(AR);
});

for (const [model, extra, flags] of [
  [AR, {}, ['--max-tokens', '16']],
  [DIFFUSION, { steps: 'L/2' }, ['--max-tokens', '16', '--steps', 'L/2']],
] as [string, Extra, string[]][]) {
  test(`${model}: greedy chat and completions equal \`dlm generate\`, streamed and not`, async ({ baseURL }) => {
    test.setTimeout(120_000);
    const client = clientFor(baseURL);
    for (const content of ['reverse: kqzmw', 'copy: hello world']) {
      const expected = dlmGenerate(model, `${content}\n`, flags);
      const finish = expected.stopReason === 'eos' ? 'stop' : 'length';

      const chat = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content }],
        max_tokens: 16,
        temperature: 0,
        ...extra,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      expect(chat.object).toBe('chat.completion');
      expect(chat.choices).toHaveLength(1);
      expect(chat.choices[0]!.message.content).toBe(expected.text);
      expect(chat.choices[0]!.finish_reason).toBe(finish);
      expect(chat.usage).toMatchObject({ completion_tokens: expected.tokenIds.length });
      expect(chat.usage!.total_tokens).toBe(chat.usage!.prompt_tokens + chat.usage!.completion_tokens);
      const dlm = (chat as unknown as { dlm: { nfe: number; hardware: string; settings: Record<string, unknown> } }).dlm;
      expect(dlm.hardware).toBe('CPU');
      expect(dlm.nfe).toBeGreaterThan(0);
      if (model === DIFFUSION) expect(dlm.settings).toMatchObject({ gen_length: 16, steps: 8 });

      const completion = await client.completions.create({
        model,
        prompt: `${content}\n`,
        max_tokens: 16,
        ...extra,
      } as OpenAI.CompletionCreateParamsNonStreaming);
      expect(completion.choices[0]!.text).toBe(expected.text);

      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content }],
        max_tokens: 16,
        stream: true,
        stream_options: { include_usage: true },
        ...extra,
      } as OpenAI.ChatCompletionCreateParamsStreaming);
      let text = '';
      let finishReason: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined = null;
      const canvases: string[] = [];
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        const choice = chunk.choices[0];
        text += choice?.delta.content ?? '';
        finishReason = choice?.finish_reason ?? finishReason;
        if (chunk.usage) usage = chunk.usage;
        const step = (chunk as unknown as { dlm?: { canvas?: string } }).dlm;
        if (step?.canvas !== undefined) canvases.push(step.canvas);
      }
      expect(text).toBe(expected.text);
      expect(finishReason).toBe(finish);
      expect(usage).toEqual(chat.usage);
      if (model === DIFFUSION) {
        // Every step's whole canvas: masks first, filling in, none left at the end (or only past an <eos>).
        expect(canvases.length).toBe(dlm.nfe);
        expect(canvases[0]).toContain('·');
        expect(canvases.at(-1)!.split('∎')[0]).not.toContain('·');
      } else expect(canvases).toHaveLength(0);
    }
  });
}

test('stop strings cut the text (finish_reason "stop"), streamed and not', async ({ baseURL }) => {
  const client = clientFor(baseURL);
  for (const model of [AR, DIFFUSION]) {
    const full = dlmGenerate(model, 'copy: abcdefgh\n', ['--max-tokens', '16']).text;
    const stop = full.slice(3, 4);
    const whole = await client.completions.create({ model, prompt: 'copy: abcdefgh\n', max_tokens: 16, stop: [stop] });
    expect(whole.choices[0]!.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(whole.choices[0]!.finish_reason).toBe('stop');
    let streamed = '';
    for await (const chunk of await client.completions.create({ model, prompt: 'copy: abcdefgh\n', max_tokens: 16, stop, stream: true }))
      streamed += chunk.choices[0]?.text ?? '';
    expect(streamed).toBe(whole.choices[0]!.text);
  }
});

test("bad requests get OpenAI's error objects: 400 naming the parameter, 404 for an unknown model", async ({ baseURL }) => {
  const client = clientFor(baseURL);
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'copy: ab' }];
  const failure = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      return error as InstanceType<typeof OpenAI.APIError>;
    }
    throw new Error('the request succeeded');
  };

  const badTemperature = await failure(() => client.chat.completions.create({ model: AR, messages, temperature: -1 }));
  expect(badTemperature).toBeInstanceOf(OpenAI.BadRequestError);
  expect(badTemperature.status).toBe(400);
  expect(badTemperature.param).toBe('temperature');

  const twoChoices = await failure(() => client.chat.completions.create({ model: AR, messages, n: 2 }));
  expect(twoChoices.status).toBe(400);
  expect(twoChoices.param).toBe('n');

  const badSteps = await failure(() =>
    client.chat.completions.create({ model: DIFFUSION, messages, max_tokens: 8, steps: 'L/x' } as OpenAI.ChatCompletionCreateParamsNonStreaming),
  );
  expect(badSteps.status).toBe(400);
  expect(badSteps.param).toBe('steps');

  const stepsOnAr = await failure(() => client.chat.completions.create({ model: AR, messages, steps: 4 } as OpenAI.ChatCompletionCreateParamsNonStreaming));
  expect(stepsOnAr.status).toBe(400);
  expect(stepsOnAr.param).toBe('steps');

  const unknown = await failure(() => client.chat.completions.create({ model: 'no-such-model', messages }));
  expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
  expect(unknown.status).toBe(404);
  expect(unknown.code).toBe('model_not_found');

  const streamedBad = await failure(() => client.chat.completions.create({ model: AR, messages, stream: true, presence_penalty: 1 }));
  expect(streamedBad.status).toBe(400); // refused before any byte is streamed
  expect(streamedBad.param).toBe('presence_penalty');
});
