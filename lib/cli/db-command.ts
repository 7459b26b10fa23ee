// `dlm db migrate`: creates and migrates the database now (the app and the CLI also do it on first use).
import { prepareDatabase } from '../db/client.ts';
import { databaseLocation, describeLocation } from '../db/location.ts';
import { parseArgs, UsageError } from './args.ts';

export const DB_HELP = `Usage: dlm db migrate [--quiet]

Creates the SQLite database named by DATABASE_URL (default file:./data/playground.db) if needed and applies
the migrations in prisma/migrations that it lacks; with DATABASE_URL=postgresql://… it applies those in
prisma/postgresql/migrations to that (existing) database. Safe to run any number of times, from any number of
processes at once.`;

export async function dbCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['quiet', 'help'] });
  const [action] = args.positionals;
  if (args.switches.has('help') || action === undefined) {
    console.log(DB_HELP);
    return action === undefined && !args.switches.has('help') ? 2 : 0;
  }
  if (action !== 'migrate') throw new UsageError(`unknown db action "${action}" (expected: migrate)`);
  const location = databaseLocation();
  const file = describeLocation(location);
  const applied = await prepareDatabase(location);
  if (!args.switches.has('quiet') || applied.length > 0) {
    console.error(applied.length ? `database ${file}: applied ${applied.join(', ')}` : `database ${file}: up to date`);
  }
  return 0;
}
