'use client';
// A sweep that stopped before all its cells ran (interrupted by a crash or Ctrl-C, or cancelled): how much is
// stored, and Resume, which runs only the missing cells (as `dlm bench --resume`), then reloads the page.
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { authorizedFetch } from '../../token-dialog.tsx';
import { SweepProgress } from '../sweep-form.tsx';

export function ResumeBanner({ id, status, stored, total, queued }: { id: string; status: string; stored: number; total: number | null; queued: boolean }) {
  const router = useRouter();
  const [resumed, setResumed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(() => router.refresh(), [router]);
  async function resume() {
    setBusy(true);
    setError(null);
    try {
      const response = await authorizedFetch(`/api/experiments/${id}/resume`, { method: 'POST' });
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      if (response.status === 202) setResumed(true);
      else setError(body.error ?? `HTTP ${response.status}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  if (resumed) return <SweepProgress id={id} onDone={refresh} />;
  return (
    <div className="card resume-card" data-testid="resume-banner">
      <p>
        This sweep is <strong>{status}</strong> with {stored}
        {total !== null ? ` of ${total}` : ''} runs stored.{' '}
        {queued ? (
          <>
            Resume enqueues only the missing cells for <code>dlm worker</code>s (as <code>dlm bench --queue --resume {id}</code>).
          </>
        ) : (
          <>
            Resume runs only the missing cells (as <code>dlm bench --resume {id}</code>).
          </>
        )}
      </p>
      <button type="button" onClick={() => void resume()} disabled={busy} data-testid="resume">
        Resume
      </button>
      {error && (
        <span className="field-error" role="alert" data-testid="resume-error">
          {error}
        </span>
      )}
    </div>
  );
}
