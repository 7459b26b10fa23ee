// Turns DATABASE_URL into a SQLite file path or a PostgreSQL connection URL, with errors a person can act on.
import { resolveFromRoot } from '../paths.ts';
import { UserError } from '../user-error.ts';

export const DEFAULT_DATABASE_URL = 'file:./data/playground.db';

export class DatabaseConfigError extends UserError {}

export type DatabaseLocation = { provider: 'sqlite'; file: string } | { provider: 'postgresql'; url: string };

const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//.test(value);

/** Where DATABASE_URL (or `url`) points: a SQLite file (the default) or a PostgreSQL server. */
export function databaseLocation(url: string | undefined = process.env.DATABASE_URL): DatabaseLocation {
  const value = (url ?? DEFAULT_DATABASE_URL).trim();
  if (!isPostgresUrl(value)) return { provider: 'sqlite', file: databasePathFromUrl(value) };
  try {
    new URL(value);
  } catch {
    throw new DatabaseConfigError(`DATABASE_URL is not a valid PostgreSQL URL (postgresql://user:password@host:port/database)`);
  }
  return { provider: 'postgresql', url: value };
}

/** How a location is named in messages: the file, or the server and database without the password. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.provider === 'sqlite') return location.file;
  const u = new URL(location.url);
  return `postgresql://${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
}

export function databasePathFromUrl(url: string | undefined = process.env.DATABASE_URL): string {
  const value = (url ?? DEFAULT_DATABASE_URL).trim();
  if (!value.startsWith('file:')) {
    throw new DatabaseConfigError(
      `DATABASE_URL must be a SQLite file URL such as "file:./data/playground.db" or a PostgreSQL URL (postgresql://…), got "${value}"`,
    );
  }
  const file = value.slice('file:'.length).replace(/\?.*$/, '');
  if (file === '' || file.endsWith('/')) {
    throw new DatabaseConfigError(`DATABASE_URL must name a database file, got "${value}"`);
  }
  if (file === ':memory:') {
    throw new DatabaseConfigError('DATABASE_URL=file::memory: is not supported: results must survive the process');
  }
  return resolveFromRoot(file);
}
