'use client';
// A queued sweep's workers (PostgreSQL): each one's host, hardware, cells stored, current cell and liveness, and
// a warning while no worker is alive. Live while queued (it polls, then reloads the page when the sweep ends);
// the rows are shaped in lib/harness/worker-progress.ts, this only renders them.
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { QueueProgress } from '@/lib/harness/worker-progress.ts';
import { authorizedFetch } from '../../token-dialog.tsx';
import type { Progress } from '../sweep-form.tsx';

export function WorkersPanel({ id, initial, live }: { id: string; initial: QueueProgress; live: boolean }) {
  const router = useRouter();
  const [queue, setQueue] = useState(initial);
  useEffect(() => setQueue(initial), [initial]); // the page was reloaded: its rows are the newest
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 2000));
        const response = await fetch(`/api/experiments/${id}/progress`, { cache: 'no-store' }).catch(() => null);
        if (!response?.ok || stopped) continue;
        const body = (await response.json()) as Progress;
        if (body.queue) setQueue(body.queue);
        if (body.status !== 'queued') return router.refresh(); // finished or cancelled: the page with every run
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [id, live, router]);
  return (
    <section className="card" aria-label="Workers" data-testid="workers-panel">
      <h2>Workers</h2>
      <p>
        <progress max={queue.total ?? queue.stored} value={queue.stored} aria-label="runs stored" /> {queue.stored}
        {queue.total !== null ? ` of ${queue.total}` : ''} runs stored
        {live ? ` · ${queue.alive} worker${queue.alive === 1 ? '' : 's'} alive` : ''}{' '}
        {live && (
          <button
            type="button"
            onClick={() => void authorizedFetch(`/api/experiments/${id}/cancel`, { method: 'POST' }).then(() => router.refresh())}
            data-testid="cancel-sweep"
          >
            Cancel
          </button>
        )}
      </p>
      {live && queue.waitingForWorker && (
        <p className="field-error" role="status" data-testid="no-worker-alive">
          Queued, no worker alive: its cells wait until one starts. Run <code>dlm worker</code> (with this DATABASE_URL) on a machine that has the sweep&apos;s
          models.
        </p>
      )}
      {queue.workers.length > 0 && (
        <div className="table-wrap">
          <table data-testid="workers-table">
            <thead>
              <tr>
                <th>worker</th>
                <th>host</th>
                <th>hardware</th>
                <th className="num">cells done</th>
                <th>current cell</th>
                <th>alive</th>
              </tr>
            </thead>
            <tbody>
              {queue.workers.map((w) => (
                <tr key={w.name} data-testid="worker-row" data-worker={w.name} data-state={w.state}>
                  <td className="mono">{w.name}</td>
                  <td className="mono">{w.host}</td>
                  <td>{w.hardware}</td>
                  <td className="num">{w.done}</td>
                  <td className="mono">{w.cell ?? '—'}</td>
                  <td>{w.state === 'alive' ? 'yes' : w.state === 'stopped' ? 'stopped' : 'gone (not seen for a lease)'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
