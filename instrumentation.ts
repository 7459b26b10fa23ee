// Next.js calls register() once when the server starts: crash recovery and settings checks (lib/harness/server-start.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./lib/harness/server-start.ts')).onServerStart();
}
