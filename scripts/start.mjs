#!/usr/bin/env node
// `npm start`: migrate the database (one clear line on failure), build the app if the build is missing or
// older than the sources, then serve it on 127.0.0.1 (another address only with DLM_TOKEN set). Extra
// arguments go to `next start` (e.g. `npm start -- -p 4000`, `npm start -- -H 0.0.0.0`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenPlan } from './listen-address.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

const listen = listenPlan(process.argv.slice(2), process.env);
if (listen.refusal) {
  console.error(listen.refusal);
  process.exit(2);
}

const migrate = spawnSync(process.execPath, [path.join(root, 'bin', 'dlm.mjs'), 'db', 'migrate', '--quiet'], { cwd: root, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const buildId = path.join(root, '.next', 'BUILD_ID');
const sources = ['app', 'lib', 'next.config.js', 'package.json', 'tsconfig.json'].map((p) => path.join(root, p));
if (!existsSync(buildId) || Math.max(...sources.map(newestMtime)) > statSync(buildId).mtimeMs) {
  console.error('building the dashboard (next build)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [nextBin, 'start', ...listen.args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
