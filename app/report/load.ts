// Server side of the report pages: an experiment's report as plain JSON for the client view.
import { headers } from 'next/headers';
import { getExperimentBySlug } from '@/lib/db/experiments.ts';
import { requestOrigin } from '@/lib/harness/public-url.ts';
import { loadReport, shareUrl } from '@/lib/harness/report.ts';
import { NotFoundError } from '@/lib/user-error.ts';
import type { ReportData } from './experiment-view.tsx';

const plain = <T>(value: unknown) => JSON.parse(JSON.stringify(value)) as T;

/** Share links use the origin this page was requested at (lib/harness/public-url.ts). */
async function origin(): Promise<string | null> {
  const h = await headers();
  return requestOrigin((name) => h.get(name));
}

/** By id (the experiment page); null when there is none. */
export async function reportById(id: string): Promise<{ report: ReportData; shareUrl: string } | null> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  try {
    const report = await loadReport(id);
    return { report: plain<ReportData>(report), shareUrl: shareUrl(report.experiment.slug, await origin()) };
  } catch (error) {
    if (error instanceof NotFoundError) return null; // a database failure is an error page, not a 404
    throw error;
  }
}

/** By share slug only (the share page): a slug opens this one read-only report and nothing else. */
export async function reportBySlug(slug: string): Promise<{ report: ReportData; shareUrl: string } | null> {
  if (!/^[\w-]{22}$/.test(slug)) return null;
  const experiment = await getExperimentBySlug(slug);
  if (!experiment) return null;
  const report = await loadReport(experiment.id);
  return { report: plain<ReportData>(report), shareUrl: shareUrl(slug, await origin()) };
}
