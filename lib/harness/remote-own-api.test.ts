// Parity against a real implementation: a remote model folder pointing at this app's own OpenAI-compatible API
// (its request handler, mounted on node:http on 127.0.0.1) decodes exactly what the local engine decodes, with
// the usage the API reports. The same folder format works for any /v1 server. (The full app is tested in e2e.)
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAnyEngine, loadAnyModel } from '../engines/any-model.ts';
import { disposeAllModels } from '../engines/index.ts';
import { describeModelFolder } from '../models/discover.ts';
import { BUNDLED_AR_MODEL_ID } from './bundled-models.ts';
import { handleCompletions } from './openai-api/handler.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-own-api-'));
let server: http.Server;
let baseUrl = '';

/** node:http → the handler's web Request/Response, as Next.js does for app/v1/*. */
function mount(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const endpoint = req.url?.endsWith('/chat/completions') ? 'chat' : 'completion';
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
      signal: controller.signal,
    });
    const response = await handleCompletions(endpoint, request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    const reader = response.body?.getReader();
    for (;;) {
      const part = await reader?.read();
      if (!part || part.done) break;
      res.write(part.value);
    }
    res.end();
  });
}

async function remoteFolder(id: string, config: Record<string, unknown>) {
  const dir = path.join(scratch, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ decoding: 'remote', base_url: baseUrl, model: BUNDLED_AR_MODEL_ID, paradigm: 'autoregressive', ...config }),
  );
  return loadAnyModel(await describeModelFolder(dir));
}

before(async () => {
  server = http.createServer(mount);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await disposeAllModels();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a remote folder pointing at our own /v1 API', () => {
  const prompt = 'sort: 93710284\n';
  const settings = { maxNewTokens: 8, temperature: 0 };

  test('text completions (chat: false, no key): the same text and token count as the local engine, usage from the API', async () => {
    const local = await createAnyEngine(await loadAnyModel(BUNDLED_AR_MODEL_ID)).generate({ prompt, settings });
    const remote = await createAnyEngine(await remoteFolder('own-text', { chat: false })).generate({ prompt, settings });
    assert.equal(remote.text, local.text);
    assert.equal(remote.remote!.tokenSource, 'usage');
    assert.equal(remote.timings.generatedTokens, local.timings.generatedTokens);
    assert.equal(remote.remote!.promptTokens, local.promptTokens);
    assert.match(remote.remote!.label, /^remote, network included \(127\.0\.0\.1:\d+\)$/);
    assert.ok(remote.timings.ttftMs > 0 && remote.timings.ttftMs <= remote.timings.totalMs);
  });

  test("chat completions stream the same answer (the API adds the task prompt's newline)", async () => {
    const local = await createAnyEngine(await loadAnyModel(BUNDLED_AR_MODEL_ID)).generate({ prompt, settings });
    const tokens: string[] = [];
    const remote = await createAnyEngine(await remoteFolder('own-chat', { chat: true })).generate(
      { prompt: 'sort: 93710284', settings },
      { onEvent: (e) => e.type === 'token' && tokens.push(e.text) },
    );
    assert.equal(remote.text, local.text);
    assert.equal(tokens.join(''), remote.text);
    assert.ok(tokens.length > 1, 'streamed in several chunks');
  });
});
