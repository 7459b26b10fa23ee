#!/usr/bin/env node
// Runs the Prisma CLI fully offline. With `engineType = "client"` and the JS driver adapter
// (prisma.config.ts) no native engine is used, but the CLI still tries to download one unless these
// variables point at existing files, so we hand it empty placeholders.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const placeholderDir = path.join(root, 'node_modules', '.cache', 'prisma-offline');
const placeholders = {
  PRISMA_QUERY_ENGINE_LIBRARY: path.join(placeholderDir, 'libquery_engine-placeholder.so.node'),
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(placeholderDir, 'schema-engine-placeholder'),
};
mkdirSync(placeholderDir, { recursive: true });
for (const file of Object.values(placeholders)) {
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o755 });
}

const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...placeholders,
    ...process.env,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1', // no telemetry call home
    DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/playground.db',
  },
});
process.exit(result.status ?? 1);
