// Seeds the end-to-end server's database (DATABASE_URL) with one hand-built experiment per claim (see
// lib/harness/claims/test-seed.ts); run by e2e/claims.spec.ts through tsx, as the CLI runs.
import { closeDatabase } from '../lib/db/client.ts';
import { seedClaimExperiments } from '../lib/harness/claims/test-seed.ts';

const stored = await seedClaimExperiments();
await closeDatabase();
console.log(JSON.stringify(Object.fromEntries(Object.entries(stored).map(([claim, e]) => [claim, { id: e.id, slug: e.slug }]))));
