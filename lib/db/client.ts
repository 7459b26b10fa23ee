// Opens the playground database: SQLite by default (creates its folder, migrates it, turns on WAL and a busy
// timeout) or PostgreSQL when DATABASE_URL is a postgresql:// URL (lib/db/postgres.ts); marks the experiments
// of processes that died while running them interrupted, and hands out one Prisma client per database per process.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { projectRoot } from '../paths.ts';
import { type DatabaseLocation, databaseLocation, DatabaseConfigError, describeLocation } from './location.ts';
import { applyMigrations, readMigrations } from './migrate.ts';
import { describeRecovered, recoverAbandonedExperiments, recoverStalledQueuedSweeps } from './recovery.ts';

export const BUSY_TIMEOUT_MS = 5000;

export interface PlaygroundDatabase {
  location: DatabaseLocation;
  where: string; // the SQLite file, or the PostgreSQL server and database (no password): for messages
  prisma: PrismaClient; // all queries go through lib/db/*.ts, never straight from routes
}

const open = new Map<string, Promise<PlaygroundDatabase>>();

function explainOpenFailure(file: string, error: unknown): DatabaseConfigError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DatabaseConfigError(`cannot use the database at ${file}: ${reason} (set DATABASE_URL=file:/a/writable/path.db or fix the folder's permissions)`);
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

/** Creates (SQLite) and migrates the database at `location`; returns the migrations applied now. */
export async function prepareDatabase(location: DatabaseLocation): Promise<string[]> {
  if (location.provider === 'sqlite') return prepareDatabaseFile(location.file);
  const { preparePostgres } = await import('./postgres.ts'); // `pg` loads only for PostgreSQL
  try {
    return await preparePostgres(location.url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseConfigError(`cannot use the database at ${describeLocation(location)}: ${reason}`);
  }
}

async function openPrisma(location: DatabaseLocation): Promise<PrismaClient> {
  if (location.provider === 'postgresql') return (await import('./postgres.ts')).postgresPrisma(location.url);
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${location.file}`, timeout: BUSY_TIMEOUT_MS }) });
}

const keyOf = (location: DatabaseLocation) => (location.provider === 'sqlite' ? location.file : location.url);

/** The process-wide client for DATABASE_URL (or `url`), migrated and crash-recovered before first use. */
export function getDatabase(url?: string): Promise<PlaygroundDatabase> {
  const location = databaseLocation(url);
  const key = keyOf(location);
  let database = open.get(key);
  if (!database) {
    database = (async () => {
      await prepareDatabase(location);
      const prisma = await openPrisma(location);
      for (const e of await recoverAbandonedExperiments(prisma)) process.stderr.write(`${describeRecovered(e)}\n`);
      if (location.provider === 'postgresql') for (const e of await recoverStalledQueuedSweeps(prisma)) process.stderr.write(`${describeRecovered(e)}\n`);
      return { location, where: describeLocation(location), prisma };
    })();
    database.catch(() => open.delete(key)); // a failed open may succeed later (e.g. after fixing permissions)
    open.set(key, database);
  }
  return database;
}

/** Closes the client for `url` (tests use throwaway databases and must release them). */
export async function closeDatabase(url?: string): Promise<void> {
  const key = keyOf(databaseLocation(url));
  const database = open.get(key);
  open.delete(key);
  if (database) await (await database).prisma.$disconnect();
}
