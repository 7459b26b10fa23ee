import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../paths.ts';
import { main } from './main.ts';

const dlm = path.join(projectRoot(), 'bin', 'dlm.mjs');

function runDlm(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [dlm, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Calls main() in-process and captures what it printed. */
async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => err.push(parts.join(' '));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('dlm', () => {
  test('--help lists the commands', async () => {
    const { code, out } = await capture(['--help']);
    assert.equal(code, 0);
    assert.match(out, /models/);
    assert.match(out, /Usage: dlm <command>/);
  });

  test('models --json prints valid JSON with one entry per model folder', async () => {
    const { code, out } = await capture(['models', '--json']);
    assert.equal(code, 0);
    const models = JSON.parse(out) as { id: string; sha256: string | null }[];
    assert.ok(Array.isArray(models));
    for (const m of models) assert.equal(typeof m.id, 'string');
  });

  test('unknown commands and options fail with one line and a non-zero code', async () => {
    const unknown = await capture(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err.split('\n').length, 1);
    const badFlag = await capture(['models', '--nope']);
    assert.equal(badFlag.code, 2);
    assert.equal(badFlag.err, 'dlm models: unknown option --nope');
  });

  test('a bad DATABASE_URL is one clear line from the real binary, no stack trace', () => {
    const result = runDlm(['db', 'migrate'], { DATABASE_URL: 'mysql://nope' });
    assert.notEqual(result.status, 0);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /DATABASE_URL must be a SQLite file URL/);
  });

  test('an unwritable data location is one clear line', () => {
    const result = runDlm(['db', 'migrate'], { DATABASE_URL: 'file:/dev/null/playground.db' });
    assert.notEqual(result.status, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^dlm db: cannot use the database at \/dev\/null\/playground\.db/);
  });
});
