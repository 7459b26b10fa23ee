// An experiment: charts, runs and environment, with a live progress bar while its sweep runs here, its
// workers while it is queued (PostgreSQL), and Resume when it stopped before all its cells ran.
import { notFound } from 'next/navigation';
import { ExperimentView } from '../../report/experiment-view.tsx';
import { reportById } from '../../report/load.ts';
import { sweepsAreQueued } from '@/lib/harness/sweep-jobs.ts';
import { sweepCellTotal } from '@/lib/harness/sweep-size.ts';
import { loadQueueProgress, showsWorkers } from '@/lib/harness/worker-progress.ts';
import { ResumeBanner } from './resume-banner.tsx';
import { RunningBanner } from './running-banner.tsx';
import { WorkersPanel } from './workers-panel.tsx';

export const dynamic = 'force-dynamic';

const RESUMABLE = ['interrupted', 'cancelled', 'failed'];

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const loaded = await reportById(id);
  if (!loaded) notFound();
  const { experiment } = loaded.report;
  const queue = showsWorkers(experiment, loaded.report.runs) ? await loadQueueProgress(experiment) : null;
  return (
    <>
      {experiment.status === 'running' && <RunningBanner id={id} />}
      {queue && <WorkersPanel id={id} initial={queue} live={experiment.status === 'queued'} />}
      {experiment.kind === 'sweep' && RESUMABLE.includes(experiment.status) && (
        <ResumeBanner
          id={id}
          status={experiment.status}
          stored={loaded.report.runs.length}
          total={sweepCellTotal(experiment.config)}
          queued={sweepsAreQueued()}
        />
      )}
      <ExperimentView report={loaded.report} readOnly={false} shareUrl={loaded.shareUrl} />
    </>
  );
}
