// An experiment: charts, runs and environment, with a live progress bar while its sweep runs here.
import { notFound } from 'next/navigation';
import { ExperimentView } from '../../report/experiment-view.tsx';
import { reportById } from '../../report/load.ts';
import { RunningBanner } from './running-banner.tsx';

export const dynamic = 'force-dynamic';

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const loaded = await reportById(id);
  if (!loaded) notFound();
  return (
    <>
      {loaded.report.experiment.status === 'running' && <RunningBanner id={id} />}
      <ExperimentView report={loaded.report} readOnly={false} shareUrl={loaded.shareUrl} />
    </>
  );
}
