// Applies prisma/migrations/*/migration.sql in name order, idempotently, offline. It keeps Prisma's own
// bookkeeping table (_prisma_migrations, checksum = SHA-256 of the SQL) so `prisma migrate status` agrees.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

const BOOKKEEPING_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string; // folder name, e.g. 20261127024226_init
  sql: string; // contents of migration.sql
  checksum: string; // hex SHA-256 of the SQL
}

export function readMigrations(migrationsDir: string): Migration[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder not found: ${migrationsDir}`);
  return readdirSync(migrationsDir)
    .filter((name) => /^\d+_/.test(name) && existsSync(path.join(migrationsDir, name, 'migration.sql')))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Applies every migration not yet recorded; returns the names applied now. Safe to race across processes. */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[]): string[] {
  const applied: string[] = [];
  // IMMEDIATE takes the write lock up front, so two processes starting together cannot both apply a migration.
  const run = db.transaction(() => {
    db.exec(BOOKKEEPING_TABLE);
    const done = new Map(
      (
        db.prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL').all() as {
          migration_name: string;
          checksum: string;
        }[]
      ).map((row) => [row.migration_name, row.checksum]),
    );
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied to this database`);
        }
        continue;
      }
      db.exec(migration.sql);
      db.prepare(
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES (?, ?, current_timestamp, ?, current_timestamp, 1)`,
      ).run(randomUUID(), migration.checksum, migration.name);
      applied.push(migration.name);
    }
  });
  run.immediate();
  return applied;
}
