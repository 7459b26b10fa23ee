// `dlm tasks` through the real dispatcher (main from lib/cli/main.ts): generate, then check; bad input.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FAMILIES } from '../tasks/registry.ts';
import { main } from './main.ts';
import type { TaskRecord } from '../tasks/types.ts';

const scratch = mkdtempSync(join(tmpdir(), 'dlm-tasks-cli-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs `dlm ...` in-process, capturing the text it writes to stdout and stderr. Only string chunks
 * are captured: the test runner itself reports to its parent through this process's stdout with
 * binary (Buffer) chunks, which must still get through.
 */
async function dlm(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string') return (originals[stream] as (...args: unknown[]) => boolean).call(process[stream], chunk, ...rest);
      captured[stream] += chunk;
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    const code = await main(argv);
    return { code, ...captured };
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  }
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

test('generate --task sort --n 5 --length 16 --seed 7 prints exactly five records', async () => {
  const { code, stdout } = await dlm('tasks', 'generate', '--task', 'sort', '--n', '5', '--length', '16', '--seed', '7');
  assert.equal(code, 0);
  const records = lines(stdout).map((line) => JSON.parse(line) as TaskRecord);
  assert.equal(records.length, 5);
  assert.deepEqual(
    records.map((r) => r.task_id),
    [0, 1, 2, 3, 4].map((i) => `train/sort/16/s7/i${i}`),
  );
  for (const r of records) assert.equal(r.answer, [...r.prompt.slice(6, -1)].sort().join(''));
});

test('generate to a file, then check it: canonical answers pass, corrupted ones fail', async () => {
  const generated = join(scratch, 'eval.jsonl');
  const gen = await dlm('tasks', 'generate', '--task', 'all', '--n', '2', '--lengths', '8,16', '--seed', '3', '--split', 'eval', '--out', generated);
  assert.equal(gen.code, 0, gen.stderr);
  assert.equal(gen.stdout, '');
  const records = lines(readFileSync(generated, 'utf8')).map((line) => JSON.parse(line) as TaskRecord);
  assert.equal(records.length, FAMILIES.length * 2 * 2);
  assert.ok(records.every((r) => r.split === 'eval' && r.task_id.startsWith('eval/')));

  const withCompletions = join(scratch, 'completions.jsonl');
  const completions = records.map((r, i) => ({ ...r, completion: i % 2 === 0 ? r.answer : `${r.answer}1` }));
  writeFileSync(withCompletions, completions.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const checked = await dlm('tasks', 'check', '--file', withCompletions);
  assert.equal(checked.code, 0, checked.stderr);
  const results = lines(checked.stdout).map((line) => JSON.parse(line) as { task_id: string; passed: boolean; error?: string });
  assert.deepEqual(
    results.map((r) => r.task_id),
    records.map((r) => r.task_id),
  );
  results.forEach((r, i) => assert.equal(r.passed, i % 2 === 0, `${r.task_id}: ${r.error}`));
  assert.match(checked.stderr, /^code: 2\/4 passed \(50\.0%\)$/m);

  const asJson = await dlm('tasks', 'check', '--file', withCompletions, '--json');
  const summaries = lines(asJson.stderr).map((line) => JSON.parse(line));
  assert.deepEqual(
    summaries.find((s) => s.task === 'sort'),
    { task: 'sort', passed: 2, total: 4, pass_rate: 0.5 },
  );
});

test('mixed lengths: --max-length draws lengths within each family range, same records as --length', async () => {
  const { code, stdout, stderr } = await dlm('tasks', 'generate', '--task', 'all', '--n', '40', '--max-length', '6');
  assert.equal(code, 0);
  assert.match(stderr, /skipping code/);
  const records = lines(stdout).map((line) => JSON.parse(line) as TaskRecord);
  assert.equal(records.length, (FAMILIES.length - 1) * 40); // code starts at 8
  assert.ok(records.every((r) => r.length >= 1 && r.length <= 6));
  const one = records.find((r) => r.task === 'add' && r.index === 7)!;
  const same = await dlm('tasks', 'generate', '--task', 'add', '--n', '8', '--length', String(one.length));
  assert.deepEqual(JSON.parse(lines(same.stdout)[7]!), one);
});

test('list shows every family with its range', async () => {
  const { code, stdout } = await dlm('tasks', 'list', '--json');
  assert.equal(code, 0);
  const rows = JSON.parse(stdout) as Array<{ name: string; minLength: number; maxLength: number }>;
  assert.deepEqual(
    rows.map((r) => `${r.name} ${r.minLength}..${r.maxLength}`),
    ['copy 1..256', 'reverse 1..256', 'sort 1..256', 'add 1..255', 'code 8..256', 'expand 1..1024'],
  );
});

test('bad input is a usage error with a one-line message', async () => {
  const broken = join(scratch, 'broken.jsonl');
  writeFileSync(broken, '{"task_id":"a","task":"copy","answer":"x","completion":"x"}\n{not json\n');
  const unknownTask = join(scratch, 'unknown-task.jsonl');
  writeFileSync(unknownTask, '{"task_id":"a","task":"juggle","answer":"x"}\n');
  const cases: Array<[string[], RegExp]> = [
    [['generate', '--task', 'juggle', '--n', '1', '--length', '4'], /unknown task "juggle"/],
    [['generate', '--task', 'sort', '--n', '1', '--length', '300'], /length 300 is out of range for sort \(1\.\.256\)/],
    [['generate', '--task', 'code', '--n', '1', '--length', '4'], /out of range for code \(8\.\.256\)/],
    [['generate', '--task', 'add', '--n', '1', '--lengths', '4,256'], /length 256 is out of range for add/],
    [['generate', '--task', 'sort', '--n', '0', '--length', '4'], /--n must be between 1/],
    [['generate', '--task', 'sort', '--length', '4'], /--n is required/],
    [['generate', '--task', 'sort', '--n', '1', '--length', '4', '--split', 'test'], /--split must be train or eval/],
    [['generate', '--task', 'sort', '--n', '1'], /exactly one of --length, --lengths or --max-length/],
    [['generate', '--task', 'sort', '--n', '1', '--length', '4', '--seed', '1000000000'], /--seed must be between 0 and 999999999/],
    [['check', '--file', join(scratch, 'missing.jsonl')], /cannot read .*ENOENT/],
    [['check', '--file', broken], /line 2: invalid JSON/],
    [['check', '--file', unknownTask], /line 1: unknown task "juggle"/],
    [['frobnicate'], /unknown subcommand/],
  ];
  for (const [argv, message] of cases) {
    const { code, stdout, stderr } = await dlm('tasks', ...argv);
    assert.equal(code, 2, argv.join(' '));
    assert.equal(stdout, '', argv.join(' '));
    assert.match(stderr, message, argv.join(' '));
    assert.equal(lines(stderr).length, 1, `one line for ${argv.join(' ')}: ${stderr}`);
  }
});
