'use client';
// One card per claim: the verdict with its numbers, the chart that decides it, where the numbers came from,
// "Run this here" (the claim's preset sweep, started through POST /api/experiments like the sweep form) and the
// experiment's read-only share link.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ClaimReport } from '@/lib/harness/claims/evaluate.ts';
import { authorizedFetch } from '../token-dialog.tsx';
import { ClaimChart } from './claim-chart.tsx';

const verdictClass = (v: string) => `verdict verdict-${v.replace(/ /g, '-')}`;

export function ClaimCards({ reports }: { reports: ClaimReport[] }) {
  return (
    <div className="claims">
      {reports.map((r) => (
        <ClaimCard key={r.id} report={r} />
      ))}
    </div>
  );
}

function ClaimCard({ report }: { report: ClaimReport }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const source = report.source;
  async function runHere() {
    setBusy(true);
    setError(null);
    try {
      const response = await authorizedFetch('/api/experiments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(report.preset),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: string; error?: string };
      if (response.status === 202 && body.id) router.push(`/experiments/${body.id}`);
      else setError(body.error ?? `HTTP ${response.status}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card claim" data-testid={`claim-${report.id}`} aria-labelledby={`claim-${report.id}-quote`}>
      <header className="claim-head">
        <h2 id={`claim-${report.id}-quote`}>
          {report.number}. “{report.quote}”
        </h2>
        <span className={verdictClass(report.verdict)} data-testid="verdict">
          {report.verdict}
        </span>
      </header>
      <p data-testid="summary">{report.summary}</p>
      <p className="muted">How it is checked: {report.tests}</p>
      {report.details.length > 0 && (
        <ul className="claim-details" data-testid="details">
          {report.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {source && <ClaimChart id={`claim-${report.id}`} chart={report.chart} note={`measured on ${source.hardware}`} />}
      {source ? (
        <p className="muted" data-testid="source">
          From <a href={`/experiments/${source.experimentId}`}>experiment {source.experimentId.slice(0, 8)}</a> ({source.status}, {source.runs}
          {source.cells === null ? '' : ` of ${source.cells}`} runs, {source.createdAt.slice(0, 16).replace('T', ' ')}), measured on{' '}
          <strong>{source.hardware}</strong>; models: {source.models.map((m) => `${m.engine} ${m.id} (${m.where})`).join(', ')}.
        </p>
      ) : (
        <p className="muted">Not run on this machine yet.</p>
      )}
      {report.newer && (
        <p className="muted" data-testid="newer">
          A newer run of this preset, <a href={`/experiments/${report.newer.experimentId}`}>experiment {report.newer.experimentId.slice(0, 8)}</a>, is{' '}
          {report.newer.status} with {report.newer.runs} runs; the verdict uses the finished one above.
        </p>
      )}
      <div className="row claim-actions">
        <button type="button" onClick={() => void runHere()} disabled={busy} data-testid="run-here">
          Run this here
        </button>
        {source && (
          <a href={`/share/${source.slug}`} data-testid="share-link">
            Share (read-only report)
          </a>
        )}
        {error && (
          <span className="field-error" role="alert" data-testid="run-error">
            {error}
          </span>
        )}
      </div>
    </section>
  );
}
