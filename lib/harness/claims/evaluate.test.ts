// The claims read back from a throwaway database: each verdict recomputed from seeded stored runs, with where
// its numbers came from; the CLI prints the same; a bad --models is one line and exit 2.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { closeDatabase } from '../../db/client.ts';
import { createExperiment, finishExperiment } from '../../db/experiments.ts';
import { captureEnvironment } from '../../env/environment.ts';
import { blockModelStatus, claimReports } from './evaluate.ts';
import { CLAIMS, claimOfTitle, presetSpec } from './registry.ts';
import { presetState, runMissingClaims } from './run.ts';
import { SEEDED_VERDICTS, seedClaimExperiments } from './test-seed.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dlm-claims-'));
const url = `file:${path.join(dir, 'claims.db')}`;
const previous = process.env.DATABASE_URL;
let seeded: Awaited<ReturnType<typeof seedClaimExperiments>>;

before(async () => {
  process.env.DATABASE_URL = url;
  seeded = await seedClaimExperiments();
});

after(async () => {
  await closeDatabase(url);
  if (previous === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = previous;
  rmSync(dir, { recursive: true, force: true });
});

test('every claim’s verdict is recomputed from its newest tagged experiment, with its source', async () => {
  const reports = await claimReports();
  assert.deepEqual(
    reports.map((r) => r.id),
    CLAIMS.map((c) => c.id),
  );
  for (const r of reports) {
    assert.equal(r.verdict, SEEDED_VERDICTS[r.id as keyof typeof SEEDED_VERDICTS], `${r.id}: ${r.summary}`);
    assert.equal(r.source?.experimentId, seeded[r.id]!.id);
    assert.match(r.source!.hardware, /^CPU \(.*1 thread\)$/);
    assert.deepEqual(
      r.source!.models.map((m) => `${m.engine} ${m.id} ${m.where}`),
      ['autoregressive tiny-llama-ar local', 'diffusion tiny-llama-diffusion local'],
    );
    assert.equal(r.source!.runs, r.source!.cells, 'the seeded spec describes exactly the seeded runs');
  }
  const canvas = reports.find((r) => r.id === 'fixed-length')!;
  assert.ok(
    canvas.details.some((d) => /full-canvas diffusion lays out 32, 28 \(88%\) after the answer/.test(d)),
    canvas.details.join('\n'),
  );
});

test('--models picks experiments of those models only; none stored means "not run yet"', async () => {
  const reports = await claimReports({ autoregressive: 'other-ar', diffusion: 'tiny-llama-diffusion' });
  assert.ok(reports.every((r) => r.source === null && r.verdict === 'not enough evidence'));
  assert.equal((reports[0]!.preset.models as Record<string, string>).autoregressive, 'other-ar');
});

test('a preset counts as stored only when its stored spec is the preset as it stands', async () => {
  assert.equal(await presetState(CLAIMS[0]!, presetSpec(CLAIMS[0]!)), null, 'the seeded spec is smaller than the preset');
  assert.equal(claimOfTitle(seeded['gap-widens']!.title), 'gap-widens');
  assert.equal(claimOfTitle('copy and sort'), null);
});

test('dlm claims prints the verdicts; --json has the same; a bad --models exits 2 with one line', () => {
  const env = { ...process.env, DATABASE_URL: url };
  const text = execFileSync(process.execPath, ['bin/dlm.mjs', 'claims'], { env, encoding: 'utf8' });
  assert.match(text, /Claim 1: "About 5× faster at matched coding quality\." → HOLDS/);
  assert.match(text, /Claim 3: .* → DOES NOT HOLD/);
  assert.match(text, new RegExp(`from experiment ${seeded['gap-widens']!.id} \\(finished, 180/180 runs`));
  const json = JSON.parse(execFileSync(process.execPath, ['bin/dlm.mjs', 'claims', '--json'], { env, encoding: 'utf8' })) as { id: string; verdict: string }[];
  assert.deepEqual(Object.fromEntries(json.map((r) => [r.id, r.verdict])), SEEDED_VERDICTS);
  const bad = spawnSync(process.execPath, ['bin/dlm.mjs', 'claims', '--models', 'only-one'], { env, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--models takes two model ids/);
});

test('a newer experiment that did not finish is named but not used for the verdict', async () => {
  const stopped = await createExperiment({ title: 'claim constant-steps: again', kind: 'sweep', config: { spec: {} }, environment: captureEnvironment() });
  await finishExperiment(stopped.id, 'cancelled');
  const report = (await claimReports()).find((r) => r.id === 'constant-steps')!;
  assert.equal(report.source?.experimentId, seeded['constant-steps']!.id);
  assert.deepEqual(report.newer, { experimentId: stopped.id, status: 'cancelled', runs: 0 });
  assert.equal(report.verdict, 'does not hold');
});

test('--run skips presets stored finished as they stand now, and one running elsewhere; it runs nothing then', async () => {
  const block = await blockModelStatus();
  for (const claim of CLAIMS.slice(1)) {
    const spec = presetSpec(claim, { blockDiffusion: block.usable ? block.id : null });
    const stored = await createExperiment({ title: spec.title as string, kind: 'sweep', config: { spec }, environment: captureEnvironment() });
    await finishExperiment(stored.id, 'finished');
  }
  const first = presetSpec(CLAIMS[0]!);
  const running = await createExperiment({ title: first.title as string, kind: 'sweep', config: { spec: first }, environment: captureEnvironment() }); // owned by this live process
  const actions = await runMissingClaims({}, { sweep: () => assert.fail('nothing should run') });
  assert.deepEqual(
    actions.map((a) => [a.claim.id, a.action]),
    [['fast-at-matched-quality', 'running elsewhere'], ...CLAIMS.slice(1).map((c) => [c.id, 'stored'])],
  );
  assert.equal(actions[0]!.experimentId, running.id);
});
