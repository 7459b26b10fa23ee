// Turns DATABASE_URL into a file path, with errors a person can act on.
import { resolveFromRoot } from '../paths.ts';
import { UserError } from '../user-error.ts';

export const DEFAULT_DATABASE_URL = 'file:./data/playground.db';

export class DatabaseConfigError extends UserError {}

export function databasePathFromUrl(url: string | undefined = process.env.DATABASE_URL): string {
  const value = (url ?? DEFAULT_DATABASE_URL).trim();
  if (!value.startsWith('file:')) {
    throw new DatabaseConfigError(
      `DATABASE_URL must be a SQLite file URL such as "file:./data/playground.db", got "${value}"`,
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
