#!/usr/bin/env node
// `npm test`: unit/integration tests (node:test) then end-to-end tests (Playwright in Debian's Chromium),
// ending with one summary line "tests: N passed, N failed" that CI reads. `--unit` / `--e2e` run one part.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--e2e') ? 'e2e' : 'all';
const totals = { passed: 0, failed: 0, skipped: 0 };

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Runs a command, streaming its output, and returns what it printed. */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function unitTests() {
  const files = findTests(path.join(root, 'lib'))
    .concat(findTests(path.join(root, 'tests')))
    .sort();
  // A throwaway database for any test that forgets to make its own: never the user's data/playground.db.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dlm-unit-'));
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    DATABASE_URL: `file:${path.join(scratch, 'unit.db')}`,
  });
  rmSync(scratch, { recursive: true, force: true });
  const count = (label) => Number(output.match(new RegExp(`ℹ ${label} (\\d+)`))?.[1] ?? 0);
  // Cancelled tests (e.g. after a failing before() hook) did not pass, so they count as failed.
  const [passed, failed, skipped] = [count('pass'), count('fail') + count('cancelled'), count('skipped')];
  totals.passed += passed;
  totals.failed += failed + (code !== 0 && failed === 0 ? 1 : 0); // a crash before any report still fails
  totals.skipped += skipped;
}

async function e2eTests() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`e2e: no Chromium at ${chromium}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH`);
    totals.failed += 1;
    return;
  }
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    console.error('e2e: next build failed');
    totals.failed += 1;
    return;
  }
  const resultsFile = path.join(root, 'test-results', 'e2e-results.json');
  rmSync(resultsFile, { force: true });
  const { code } = await run(process.execPath, [path.join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: resultsFile,
    CHROMIUM_PATH: chromium,
  });
  if (!existsSync(resultsFile)) {
    totals.failed += 1;
    return;
  }
  const { stats } = JSON.parse(readFileSync(resultsFile, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
  totals.skipped += stats.skipped;
}

if (only !== 'e2e') await unitTests();
if (only !== 'unit') await e2eTests();
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
