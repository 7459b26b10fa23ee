#!/usr/bin/env node
// Derives prisma/postgresql/schema.prisma from prisma/schema.prisma (Prisma allows one provider per schema
// file): the same models with the PostgreSQL provider and a client generated to its own folder, imported by
// lib/db/postgres.ts. Run by `npm install` (postinstall) and `npm run db:migration`; never edit its output.
// `--check` exits 1 when the committed file is stale.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const POSTGRES_SCHEMA = path.join(root, 'prisma', 'postgresql', 'schema.prisma');
export const POSTGRES_CLIENT_OUTPUT = '../../node_modules/.prisma/client-postgresql'; // relative to the schema file

export function derivePostgresSchema(source) {
  const provider = /(datasource db \{[^}]*?provider\s*=\s*)"sqlite"/;
  const generator = /(generator client \{[^}]*?engineType\s*=\s*"client")[^\n]*/; // its comment names SQLite's adapter
  if (!provider.test(source) || !generator.test(source)) {
    throw new Error('prisma/schema.prisma: expected a sqlite datasource and a client-engine generator');
  }
  const body = source
    .replace(/^(\/\/.*\n)+\n?/, '') // the source's own header comment
    .replace(provider, '$1"postgresql"')
    .replace(generator, `$1\n  output     = "${POSTGRES_CLIENT_OUTPUT}"`);
  return `// GENERATED from prisma/schema.prisma by scripts/postgres-schema.mjs: do not edit. PostgreSQL migrations:
// prisma/postgresql/migrations (written by \`npm run db:migration\`, applied by lib/db/migrate-postgres.ts).

${body}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = derivePostgresSchema(readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8'));
  const current = existsSync(POSTGRES_SCHEMA) ? readFileSync(POSTGRES_SCHEMA, 'utf8') : null;
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error('prisma/postgresql/schema.prisma is stale: run node scripts/postgres-schema.mjs');
      process.exit(1);
    }
  } else if (current !== wanted) {
    mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
    writeFileSync(POSTGRES_SCHEMA, wanted);
  }
}
