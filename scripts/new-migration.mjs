#!/usr/bin/env node
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the committed migrations
// to the current prisma/schema.prisma. Computed offline by `prisma migrate diff` between the schema snapshot
// stored with the newest migration and the current schema (replaying migrations would need a shadow database,
// which the offline driver-adapter setup cannot provide).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, existsSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SNAPSHOT = 'schema.snapshot.prisma';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}
const migrationsDir = path.join(root, 'prisma', 'migrations');
const previous = existsSync(migrationsDir) ? readdirSync(migrationsDir).filter((d) => /^\d+_/.test(d)).sort().at(-1) : undefined;
const from = previous ? ['--from-schema-datamodel', path.join(migrationsDir, previous, SNAPSHOT)] : ['--from-empty'];
const diff = spawnSync(
  process.execPath,
  [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (diff.status !== 0) process.exit(diff.status ?? 1);
const sql = diff.stdout.replace(/^Loaded Prisma config.*\n+/m, '');
if (!/\b(CREATE|ALTER|DROP|INSERT|UPDATE|PRAGMA)\b/.test(sql)) {
  console.log('schema and migrations already agree: nothing to write');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'migration.sql'), sql.trimStart());
copyFileSync(path.join(root, 'prisma', 'schema.prisma'), path.join(dir, SNAPSHOT));
writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "sqlite"\n');
console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
