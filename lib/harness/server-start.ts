// What the dashboard's server does once at start (called from instrumentation.ts): checks the settings read
// per request (one line and exit 2 on a bad value, not a 500 on every request later), and opens the database,
// which marks the experiments of processes that died while running them interrupted (crash recovery).
import { getDatabase } from '../db/client.ts';
import { rateLimitFromEnv } from './rate-limit.ts';

export async function onServerStart(): Promise<void> {
  try {
    rateLimitFromEnv(process.env.DLM_RATE_LIMIT);
  } catch (error) {
    console.error(`dlm: ${(error as Error).message}`);
    process.exit(2);
  }
  // A database that cannot be opened is reported here, and again with the fix by the first page that needs it.
  await getDatabase().catch((error: Error) => console.error(`dlm: ${error.message.split('\n')[0]}`));
}
