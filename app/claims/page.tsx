// The article's claims, each with a verdict recomputed now from the stored runs of its preset sweep.
import { claimReports, type ClaimReport } from '@/lib/harness/claims/evaluate.ts';
import { ClaimCards } from './claim-cards.tsx';

export const dynamic = 'force-dynamic'; // verdicts follow the stored runs

async function load(): Promise<{ reports: ClaimReport[] } | { error: string }> {
  try {
    return { reports: JSON.parse(JSON.stringify(await claimReports())) as ClaimReport[] };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]! };
  }
}

export default async function ClaimsPage() {
  const loaded = await load();
  return (
    <>
      <h1>The article’s claims, checked here</h1>
      <p className="lead">
        The Gemini Diffusion article’s five claims, each measured on this machine by a preset sweep over the bundled pair. A verdict (holds, does not hold, not
        enough evidence) is computed from the newest stored experiment of its preset every time this page loads; <code>dlm claims</code> prints the same.
      </p>
      {'error' in loaded ? (
        <p className="error-box" data-testid="database-error">
          Database unavailable: {loaded.error}
        </p>
      ) : (
        <ClaimCards reports={loaded.reports} />
      )}
    </>
  );
}
