'use client';
// The experiments page's interactive part: the sweep form and the history it refreshes.
import { useState } from 'react';
import { DefaultSweepButton, SweepForm } from './sweep-form.tsx';
import { History } from './history.tsx';

export function ExperimentsClient({ empty, tasks, statuses }: { empty: boolean; tasks: readonly string[]; statuses: readonly string[] }) {
  const [refresh, setRefresh] = useState(0);
  return (
    <>
      {empty && (
        <div className="empty" data-testid="experiments-empty">
          <p>No experiments yet.</p>
          <DefaultSweepButton />
        </div>
      )}
      <h2>New sweep</h2>
      <SweepForm tasks={tasks} onStarted={() => setRefresh((n) => n + 1)} />
      <h2>History</h2>
      <History tasks={tasks} statuses={statuses} refreshKey={refresh} />
    </>
  );
}
