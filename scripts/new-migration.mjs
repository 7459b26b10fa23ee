#!/usr/bin/env node
// Writes the migrations that take the committed ones to the current prisma/schema.prisma, for both providers:
// prisma/migrations/<timestamp>_<name>/migration.sql (SQLite) and prisma/postgresql/migrations/<timestamp>_<name>/
// migration.sql (PostgreSQL, from the schema scripts/postgres-schema.mjs derives). Computed offline by `prisma
// migrate diff` between the schema snapshot stored with each provider's newest migration and the current schema
// (replaying migrations would need a shadow database, which the offline driver-adapter setup cannot provide).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, readFileSync, existsSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { derivePostgresSchema, POSTGRES_SCHEMA } from './postgres-schema.mjs';

const SNAPSHOT = 'schema.snapshot.prisma';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}
writeFileSync(POSTGRES_SCHEMA, derivePostgresSchema(readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8')));

const targets = [
  { provider: 'sqlite', schema: path.join(root, 'prisma', 'schema.prisma'), migrationsDir: path.join(root, 'prisma', 'migrations') },
  { provider: 'postgresql', schema: POSTGRES_SCHEMA, migrationsDir: path.join(root, 'prisma', 'postgresql', 'migrations') },
];
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
for (const { provider, schema, migrationsDir } of targets) {
  const previous = existsSync(migrationsDir)
    ? readdirSync(migrationsDir)
        .filter((d) => /^\d+_/.test(d))
        .sort()
        .at(-1)
    : undefined;
  const from = previous ? ['--from-schema-datamodel', path.join(migrationsDir, previous, SNAPSHOT)] : ['--from-empty'];
  const diff = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'prisma.mjs'), 'migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (diff.status !== 0) process.exit(diff.status ?? 1);
  const sql = diff.stdout.replace(/^Loaded Prisma config.*\n+/m, '');
  if (!/\b(CREATE|ALTER|DROP|INSERT|UPDATE|PRAGMA)\b/.test(sql)) {
    console.log(`${provider}: schema and migrations already agree: nothing to write`);
    continue;
  }
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql.trimStart());
  copyFileSync(schema, path.join(dir, SNAPSHOT));
  writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`${provider}: wrote ${path.relative(root, dir)}/migration.sql`);
}
