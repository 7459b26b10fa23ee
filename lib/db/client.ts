// Opens the playground database: creates its folder, migrates it, turns on WAL and a busy timeout, marks the
// experiments of processes that died while running them interrupted, and hands out one Prisma client per
// database file per process.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { projectRoot } from '../paths.ts';
import { databasePathFromUrl, DatabaseConfigError } from './location.ts';
import { applyMigrations, readMigrations } from './migrate.ts';
import { describeRecovered, recoverAbandonedExperiments } from './recovery.ts';

export const BUSY_TIMEOUT_MS = 5000;

export interface PlaygroundDatabase {
  file: string; // absolute path of the SQLite file
  prisma: PrismaClient; // all queries go through lib/db/*.ts, never straight from routes
}

const open = new Map<string, Promise<PlaygroundDatabase>>();

function explainOpenFailure(file: string, error: unknown): DatabaseConfigError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseConfigError(
    `cannot use the database at ${file}: ${reason} (set DATABASE_URL=file:/a/writable/path.db or fix the folder's permissions)`,
  );
}

/** Creates the folder, applies pending migrations and sets the pragmas. Returns the migrations applied now. */
export function prepareDatabaseFile(file: string, migrationsDir = path.join(projectRoot(), 'prisma', 'migrations')): string[] {
  const folder = path.dirname(file);
  let sqlite: Database.Database | undefined;
  try {
    mkdirSync(folder, { recursive: true });
    if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
    sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    sqlite.pragma('journal_mode = WAL'); // readers never block the writer; persists in the file
    return applyMigrations(sqlite, readMigrations(migrationsDir));
  } catch (error) {
    if (error instanceof DatabaseConfigError) throw error;
    throw explainOpenFailure(file, error);
  } finally {
    sqlite?.close();
  }
}

/** The process-wide client for DATABASE_URL (or `url`), migrated and crash-recovered before first use. */
export function getDatabase(url?: string): Promise<PlaygroundDatabase> {
  const file = databasePathFromUrl(url);
  let database = open.get(file);
  if (!database) {
    database = (async () => {
      prepareDatabaseFile(file);
      const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS });
      const prisma = new PrismaClient({ adapter });
      for (const e of await recoverAbandonedExperiments(prisma)) process.stderr.write(`${describeRecovered(e)}\n`);
      return { file, prisma };
    })();
    database.catch(() => open.delete(file)); // a failed open may succeed later (e.g. after fixing permissions)
    open.set(file, database);
  }
  return database;
}

/** Closes the client for `url` (tests use throwaway databases and must release them). */
export async function closeDatabase(url?: string): Promise<void> {
  const file = databasePathFromUrl(url);
  const database = open.get(file);
  open.delete(file);
  if (database) await (await database).prisma.$disconnect();
}
