// Applies prisma/postgresql/migrations/*/migration.sql in name order, idempotently, offline, as migrate.ts does
// for SQLite: one transaction under an advisory lock (DDL is transactional in PostgreSQL, so a failed migration
// leaves nothing half-applied and two processes starting together never apply one twice), with Prisma's own
// bookkeeping table so `prisma migrate status` agrees.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Migration } from './migrate.ts';

const BOOKKEEPING_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Any constant of our own: the key of the advisory lock every migrating process takes. */
const MIGRATION_LOCK_KEY = 0x646c6d; // "dlm"

/** Applies every migration not yet recorded; returns the names applied now. Safe to race across processes. */
export async function applyPostgresMigrations(client: pg.ClientBase, migrations: readonly Migration[]): Promise<string[]> {
  const applied: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(BOOKKEEPING_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) throw new Error(`migration ${migration.name} was changed after it was applied to this database`);
        continue;
      }
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      applied.push(migration.name);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
