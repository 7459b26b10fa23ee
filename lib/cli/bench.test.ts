// `dlm bench` and the experiment commands end to end on the bundled pair, through the real binary: a sweep
// killed with SIGKILL mid-run resumes to every cell exactly once; show, export and diff agree with the run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { projectRoot } from '../paths.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-bench-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const dlm = path.join(projectRoot(), 'bin', 'dlm.mjs');

function cli(db: string, ...args: string[]) {
  return spawnSync(process.execPath, [dlm, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: `file:${db}` } });
}

function specFile(name: string, spec: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('dlm bench', () => {
  test('a sweep killed with SIGKILL mid-run resumes and ends with every cell exactly once', async () => {
    const db = path.join(scratch, 'kill.db');
    // 2 lengths × 2 tasks × 5 items × (AR + 2 diffusion settings) = 60 cells: long enough to kill mid-way.
    const spec = specFile('kill.json', {
      title: 'kill test',
      tasks: ['copy', 'sort'],
      lengths: [16, 32],
      itemsPerLength: 5,
      diffusion: { steps: ['L', 'L/4'] },
      warmup: 0,
      threads: 1,
    });
    const child = spawn(process.execPath, [dlm, 'bench', '--spec', spec], { env: { ...process.env, DATABASE_URL: `file:${db}` }, stdio: 'ignore' });
    const countRuns = () => {
      try {
        const sqlite = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (sqlite.prepare('SELECT COUNT(*) AS n FROM Run').get() as { n: number }).n;
        } finally {
          sqlite.close();
        }
      } catch {
        return 0; // not created yet
      }
    };
    const deadline = Date.now() + 60_000;
    while (countRuns() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const before = countRuns();
    assert.ok(before >= 8 && before < 60, `killed mid-sweep (${before} of 60 runs stored)`);

    const list = cli(db, 'list', '--json');
    const listed = JSON.parse(list.stdout) as { id: string; status: string; runCount: number }[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.status, 'interrupted', 'the next process to open the database finds the killed sweep interrupted');
    assert.equal(listed[0]!.runCount, before);
    assert.match(list.stderr, new RegExp(`experiment ${listed[0]!.id} .* marked interrupted with its ${before} stored runs`));
    const resumed = cli(db, 'bench', '--resume', listed[0]!.id, '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout) as { status: string; ran: number; skipped: number };
    assert.equal(summary.status, 'finished');
    assert.equal(summary.skipped, before);
    assert.equal(summary.ran + summary.skipped, 60);

    const sqlite = new Database(db, { readonly: true });
    const rows = sqlite.prepare('SELECT cellKey, COUNT(*) AS n FROM Run GROUP BY cellKey').all() as { cellKey: string; n: number }[];
    sqlite.close();
    assert.equal(rows.length, 60, 'every cell is stored');
    assert.ok(
      rows.every((r) => r.n === 1),
      'and exactly once',
    );
  });

  test('show, export and diff give the numbers the sweep printed; bad input exits 2 with one line', () => {
    const db = path.join(scratch, 'report.db');
    const spec = specFile('small.json', {
      title: 'small',
      tasks: ['copy', 'code'],
      lengths: [8],
      itemsPerLength: 3,
      diffusion: [{ steps: 'L' }, { threshold: 0.9 }],
      warmup: 0,
      threads: 1,
    });
    const run = cli(db, 'bench', '--spec', spec, '--json');
    assert.equal(run.status, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as {
      experimentId: string;
      shareUrl: string;
      aggregates: { engine: string; setting: string; task: string; latencyMedianMs: number; passRate: number; runs: number }[];
    };
    assert.match(printed.shareUrl, /\/share\/[\w-]{22}$/);
    assert.equal(printed.aggregates.length, 2 * 3); // 2 tasks × (AR + 2 diffusion settings)

    const shown = JSON.parse(cli(db, 'show', printed.experimentId, '--json').stdout) as { aggregates: unknown[] };
    assert.deepEqual(shown.aggregates, printed.aggregates, 'show recomputes the same statistics from the stored runs');
    const exported = JSON.parse(cli(db, 'export', printed.experimentId, '--format', 'json').stdout) as { runs: { totalMs: number }[]; aggregates: unknown[] };
    assert.equal(exported.runs.length, 18);
    assert.deepEqual(exported.aggregates, printed.aggregates);
    const csv = cli(db, 'export', printed.experimentId, '--format', 'csv').stdout.trim().split('\n');
    assert.equal(csv.length, 1 + 18);
    assert.match(csv[0]!, /^id,engine,model,modelSha256,setting,task,item,/);
    const aggregatesCsv = cli(db, 'export', printed.experimentId, '--format', 'csv', '--table', 'aggregates').stdout.trim().split('\n');
    assert.equal(aggregatesCsv.length, 1 + 6);

    const same = JSON.parse(cli(db, 'diff', printed.experimentId, printed.experimentId, '--json').stdout) as {
      cells: { latencyRatio: number; passRateDelta: number | null; marks: string }[];
    };
    assert.equal(same.cells.length, 6);
    assert.ok(same.cells.every((c) => c.latencyRatio === 1 && c.marks === ''));

    for (const [args, message] of [
      [['bench', '--spec', path.join(scratch, 'missing.json')], /cannot read/],
      [['bench', '--tasks', 'copy', '--lengths', '8', '--steps', 'L/0'], /diffusion\[0\]\.steps\[0\]: must be a positive integer/],
      [['bench', '--tasks', 'paint', '--lengths', '8'], /tasks\[0\]: unknown task "paint"/],
      [['show', 'no-such-id'], /no experiment "no-such-id"/],
      [['export', printed.experimentId, '--format', 'xml'], /--format must be csv or json/],
      [['diff', printed.experimentId], /give two experiment ids/],
      [['eval', '--model', 'tiny-llama-ar', '--task', 'foo'], /unknown task "foo"/],
      [['eval', '--model', 'tiny-llama-ar', '--task', 'copy', '--lengths', '8,x'], /--lengths must be a comma-separated list/],
    ] as const) {
      const result = cli(db, ...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('npm warn')).length,
        1,
        `one line: ${result.stderr}`,
      );
    }
  });
});

test('Ctrl-C (SIGINT) stops between runs, marks the sweep interrupted and says how to resume', async () => {
  const db = path.join(scratch, 'sigint.db');
  const spec = specFile('sigint.json', { title: 'sigint', tasks: ['copy'], lengths: [64], itemsPerLength: 60, warmup: 0, threads: 1 });
  const child = spawn(process.execPath, [dlm, 'bench', '--spec', spec], {
    env: { ...process.env, DATABASE_URL: `file:${db}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!/\[#*\.*\] [1-9]\d*\/120/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 130);
  assert.match(stderr, /interrupted: experiment \S+ keeps every finished run; continue with "dlm bench --resume \S+"/);
  const listed = JSON.parse(cli(db, 'list', '--json').stdout) as { status: string; runCount: number }[];
  assert.equal(listed[0]!.status, 'interrupted');
  assert.ok(listed[0]!.runCount >= 1 && listed[0]!.runCount < 120);
});
