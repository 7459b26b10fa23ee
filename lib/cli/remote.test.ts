// Remote models through the real `dlm` binary against a misbehaving loopback server: listing, generate,
// a 401, compare, a stored sweep whose failing remote cells are stored as failed runs (never a failed sweep),
// show and export with cost; then the secrets check: the fake key appears nowhere the commands wrote
// (stdout, stderr, the SQLite files' bytes, exports).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type MisbehavingServer, startMisbehavingServer } from '../engines/remote/misbehaving-server.ts';
import { projectRoot } from '../paths.ts';

const KEY_ENV = 'DLM_TEST_FAKE_KEY';
const KEY = `sk-fake-${randomBytes(12).toString('hex')}`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-remote-cli-'));
const modelsDir = path.join(scratch, 'models');
const db = path.join(scratch, 'remote.db');
const dlm = path.join(projectRoot(), 'bin', 'dlm.mjs');
const written: string[] = []; // every stdout/stderr the commands produced, for the secrets check
let server: MisbehavingServer;

function folder(id: string, config: Record<string, unknown>): void {
  mkdirSync(path.join(modelsDir, id), { recursive: true });
  writeFileSync(
    path.join(modelsDir, id, 'config.json'),
    JSON.stringify({ decoding: 'remote', base_url: server.baseUrl, api_key_env: KEY_ENV, price_per_million: { input: 0.5, output: 2 }, ...config }, null, 2),
  );
}

/** The CLI as a child process, asynchronously: the loopback server answers from this process meanwhile. */
function dlmRun(args: string[], withKey = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${db}`, DLM_MODELS_DIR: modelsDir };
  if (withKey) env[KEY_ENV] = KEY;
  else delete env[KEY_ENV];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dlm, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      written.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

before(async () => {
  server = await startMisbehavingServer();
  folder('remote-ar', { model: 'stream', paradigm: 'autoregressive' });
  folder('remote-diffusion', { model: 'stream-no-usage', paradigm: 'diffusion' });
  folder('remote-down', { model: 'always-500', paradigm: 'diffusion', max_retries: 1 });
  folder('remote-auth', { model: 'auth', paradigm: 'autoregressive' });
  folder('remote-broken', { model: 'x', paradigm: 'block', api_key: 'sk-should-not-be-here' });
});
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('remote models through dlm', () => {
  test('dlm models lists them with host and paradigm, "set NAME" until the variable is set, and each problem', async () => {
    const unset = await dlmRun(['models'], false);
    assert.equal(unset.code, 0, unset.stderr);
    const host = new URL(server.baseUrl).host;
    assert.match(unset.stdout, new RegExp(`remote-ar +remote autoregressive`));
    assert.match(
      unset.stdout,
      new RegExp(`remote-ar: autoregressive via ${host.replace('.', '\\.')} \\(stream, chat completions, \\$0\\.5/\\$2 per M tokens in/out\\); set ${KEY_ENV}`),
    );
    assert.match(unset.stdout, /remote-broken: config\.json: unknown field "api_key"/);
    assert.match(unset.stdout, /remote-broken: config\.json: "paradigm" must be/);
    const set = await dlmRun(['models', '--json']);
    const listed = JSON.parse(set.stdout) as { id: string; apiKeySet?: boolean; sha256: string; remote?: { host: string } }[];
    const ar = listed.find((m) => m.id === 'remote-ar')!;
    assert.equal(ar.apiKeySet, true);
    assert.equal(ar.remote!.host, host);
    assert.match(ar.sha256, /^[0-9a-f]{64}$/);
  });

  test('dlm generate: the answer on stdout, figures labelled remote with the host on stderr', async () => {
    const out = await dlmRun(['generate', '--model', 'remote-ar', '--prompt', 'Copy this string: q7w8e9', '--max-tokens', '16']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), '```\nq7w8e9\n```');
    assert.match(
      out.stderr,
      /remote autoregressive remote-ar on remote, network included \(127\.0\.0\.1:\d+\): \d+ tokens, [\d.]+ ms, ttft [\d.]+ ms, [\d.]+ tok\/s, cost \$[\d.]+, stop: eos/,
    );
    const missing = await dlmRun(['generate', '--model', 'remote-ar', '--prompt', 'hi'], false);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim(), `dlm generate: set ${KEY_ENV} to use the remote model remote-ar (${new URL(server.baseUrl).host})`);
    const refused = await dlmRun(['generate', '--model', 'remote-diffusion', '--prompt', 'hi', '--steps', '4']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /remote-diffusion is a remote model: steps only apply to local diffusion models/);
  });

  test('a 401 is one line naming the variable, exit 2, the key nowhere', async () => {
    const out = await dlmRun(['generate', '--model', 'remote-auth', '--prompt', 'hi']);
    assert.equal(out.code, 2);
    assert.equal(out.stderr.trim().split('\n').length, 1);
    assert.match(out.stderr, new RegExp(`refused the key in \\$${KEY_ENV} for remote-auth \\(HTTP 401: Incorrect API key provided: \\[redacted\\]`));
  });

  test('dlm compare --models: any models side by side, task prompts as instructions, the speedup', async () => {
    const out = await dlmRun([
      'compare',
      '--models',
      'remote-ar,remote-diffusion',
      '--prompt',
      'reverse: k3x9\\n',
      '--max-tokens',
      '8',
      '--repeats',
      '2',
      '--json',
    ]);
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as {
      speedup: number;
      task: string;
      runs: {
        model: string;
        engine: string;
        prompt: string;
        correct: boolean;
        measuredOn: string;
        tokensEstimated: boolean;
        forwardPasses: number | null;
        costUsdPerRun: number | null;
        medianTotalMs: number;
      }[];
    };
    assert.equal(report.task, 'reverse');
    assert.deepEqual(
      report.runs.map((r) => [r.model, r.engine]),
      [
        ['remote-ar', 'autoregressive'],
        ['remote-diffusion', 'diffusion'],
      ],
    );
    for (const r of report.runs) {
      assert.equal(r.prompt, 'Reverse this string. Reply with the reversed string only: k3x9');
      assert.equal(r.correct, true); // the server answers in a code fence; the extractor removes it
      assert.match(r.measuredOn, /^remote, network included \(127\.0\.0\.1:\d+\)$/);
      assert.equal(r.forwardPasses, null);
      assert.ok(r.costUsdPerRun! > 0);
    }
    assert.equal(report.runs[0]!.tokensEstimated, false);
    assert.equal(report.runs[1]!.tokensEstimated, true); // that server sends no usage
    assert.ok(Math.abs(report.speedup - report.runs[0]!.medianTotalMs / report.runs[1]!.medianTotalMs) < 1e-9);
  });

  test('a stored sweep: failing remote cells become failed runs with their reason; show and export carry cost', async () => {
    const spec = path.join(scratch, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        title: 'remote sweep',
        models: { autoregressive: 'remote-ar', diffusion: 'remote-down' },
        tasks: ['copy', 'reverse'],
        lengths: [8],
        itemsPerLength: 2,
        warmup: 0,
      }),
    );
    const bench = await dlmRun(['bench', '--spec', spec, '--json']);
    assert.equal(bench.code, 0, bench.stderr);
    const summary = JSON.parse(bench.stdout) as {
      experimentId: string;
      status: string;
      cost: { totalUsd: number; runs: number; estimated: boolean };
      aggregates: Record<string, unknown>[];
    };
    assert.equal(summary.status, 'finished');
    assert.equal(summary.cost.runs, 4);
    assert.equal(summary.cost.estimated, false);
    const sqlite = new Database(db, { readonly: true });
    const runs = sqlite
      .prepare('SELECT engine, modelId, passed, failure, remote, host, costUsd, totalMs, prompt FROM Run WHERE experimentId = ?')
      .all(summary.experimentId) as {
      engine: string;
      modelId: string;
      passed: number;
      failure: string | null;
      remote: number;
      host: string;
      costUsd: number | null;
      totalMs: number;
      prompt: string;
    }[];
    sqlite.close();
    assert.equal(runs.length, 8);
    const ar = runs.filter((r) => r.modelId === 'remote-ar');
    const down = runs.filter((r) => r.modelId === 'remote-down');
    assert.ok(
      ar.every((r) => r.passed === 1 && r.failure === null && r.remote === 1 && r.costUsd! > 0 && r.totalMs > 0),
      JSON.stringify(ar),
    );
    assert.ok(ar.some((r) => r.prompt.startsWith('Reverse this string.')));
    assert.equal(down.length, 4);
    for (const r of down) {
      assert.equal(r.passed, 0);
      assert.equal(r.engine, 'diffusion');
      assert.match(r.failure!, /failed 2 attempts for remote-down; last: HTTP 503: The engine is currently overloaded/);
    }
    const rows = summary.aggregates.filter((a) => a.model === 'remote-down');
    assert.ok(rows.every((a) => a.failures === 2 && a.passRate === 0 && a.latencyMedianMs === null));

    const show = await dlmRun(['show', summary.experimentId]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /failed +cost\/run/);
    assert.match(show.stdout, /remote-ar: remote, network included \(127\.0\.0\.1:\d+\)/);
    assert.match(show.stdout, /cost: \$[\d.]+ over 4 priced remote runs/);

    const jsonFile = path.join(scratch, 'export.json');
    const csvFile = path.join(scratch, 'export.csv');
    assert.equal((await dlmRun(['export', summary.experimentId, '--format', 'json', '--out', jsonFile])).code, 0);
    assert.equal((await dlmRun(['export', summary.experimentId, '--format', 'csv', '--table', 'aggregates', '--out', csvFile])).code, 0);
    const exported = JSON.parse(readFileSync(jsonFile, 'utf8')) as {
      cost: { totalUsd: number };
      runs: { remote: string | null; failure: string | null; costUsd: number | null }[];
    };
    assert.ok(Math.abs(exported.cost.totalUsd - summary.cost.totalUsd) < 1e-12);
    assert.ok(exported.runs.every((r) => /^remote, network included/.test(r.remote ?? '')));
    assert.match(readFileSync(csvFile, 'utf8').split('\n')[0]!, /failures,costUsdTotal,costUsdMedianPerRun,costEstimated/);
  });

  test('dlm eval: instruction prompts scored by the unchanged checkers; failed requests are failed items', async () => {
    const ok = await dlmRun(['eval', '--model', 'remote-ar', '--task', 'reverse', '--lengths', '4,8', '--n', '2', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout) as { engine: string; hardware: string; cells: { length: number; n: number; passRate: number; failures: number }[] };
    assert.equal(report.engine, 'autoregressive');
    assert.match(report.hardware, /^remote, network included/);
    assert.deepEqual(
      report.cells.map((c) => [c.length, c.n, c.passRate, c.failures]),
      [
        [4, 2, 1, 0],
        [8, 2, 1, 0],
      ],
    );
    const down = await dlmRun(['eval', '--model', 'remote-down', '--task', 'copy', '--lengths', '4', '--n', '2']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /2 items got no answer \(remote requests failed after retries; counted as not passed\): first: .*HTTP 503/);
  });

  test('secrets: the fake key is in no output, no database byte and no export', async () => {
    assert.ok(written.length >= 10, 'the commands above ran');
    for (const text of written) assert.ok(!text.includes(KEY), `output contains the key: ${text.slice(0, 200)}`);
    const files = [db, `${db}-wal`, `${db}-shm`, path.join(scratch, 'export.json'), path.join(scratch, 'export.csv')].filter((f) => existsSync(f));
    assert.ok(files.length >= 3);
    for (const file of files) {
      const bytes = readFileSync(file);
      assert.equal(bytes.indexOf(Buffer.from(KEY)), -1, `${path.basename(file)} contains the key`);
      assert.equal(bytes.indexOf(Buffer.from(KEY.slice(8))), -1, `${path.basename(file)} contains part of the key`);
    }
    // The requests did carry it, in the Authorization header only.
    assert.ok(server.requests.length > 10 && server.requests.every((r) => r.bearer && !JSON.stringify(r.body).includes(KEY)));
  });
});
