// Opens a PostgreSQL database (DATABASE_URL=postgresql://…): applies prisma/postgresql/migrations with our own
// runner, then hands out a Prisma client generated from the derived schema (scripts/postgres-schema.mjs) over
// the `pg` driver adapter. No Prisma binary engine is involved, as with SQLite.
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PrismaClient } from '@prisma/client';
import { projectRoot } from '../paths.ts';
import { applyPostgresMigrations } from './migrate-postgres.ts';
import { readMigrations } from './migrate.ts';

// A dot-folder is no valid ESM package name, so the generated client (a CommonJS module) is required.
const { PrismaClient: PostgresPrismaClient } = createRequire(import.meta.url)('.prisma/client-postgresql') as {
  PrismaClient: new (options: { adapter: PrismaPg }) => unknown;
};

export const postgresMigrationsDir = () => path.join(projectRoot(), 'prisma', 'postgresql', 'migrations');

/** Connects once, applies pending migrations and returns their names. */
export async function preparePostgres(url: string, migrationsDir = postgresMigrationsDir()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyPostgresMigrations(client, readMigrations(migrationsDir));
  } finally {
    await client.end();
  }
}

/**
 * A client for the PostgreSQL database at `url`. Both generated clients come from one schema, so their query
 * API is the same; the SQLite client's type stands for both and lib/db's queries never tell them apart.
 */
export function postgresPrisma(url: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: 4, allowExitOnIdle: true }); // idle connections never keep a CLI process alive
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}
