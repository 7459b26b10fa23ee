// The read-only share page of one experiment: the same charts and tables, no control that changes anything.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ExperimentView } from '../../report/experiment-view.tsx';
import { reportBySlug } from '../../report/load.ts';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const loaded = await reportBySlug((await params).slug);
  if (!loaded) return { title: 'Not found · Diffusion Playground' };
  const { experiment, runs, aggregates } = loaded.report;
  const speedups = aggregates.filter((a) => a.speedup).map((a) => `${a.setting} at L=${a.length}: ${a.speedup!.median.toFixed(2)}×`);
  const where =
    experiment.environment.executionProvider === 'cpu'
      ? `CPU (${experiment.environment.cpuModel})`
      : `GPU (${experiment.environment.gpuModel ?? experiment.environment.executionProvider})`;
  const description = `${runs.length} runs measured on ${where}. Diffusion speedup over AR: ${speedups.slice(0, 4).join('; ') || 'n/a'}.`;
  const title = `${experiment.title} · Diffusion Playground`;
  return { title, description, openGraph: { title, description, type: 'article', url: loaded.shareUrl } };
}

export default async function SharePage({ params }: { params: Promise<{ slug: string }> }) {
  const loaded = await reportBySlug((await params).slug);
  if (!loaded) notFound();
  return <ExperimentView report={loaded.report} readOnly shareUrl={loaded.shareUrl} />;
}
