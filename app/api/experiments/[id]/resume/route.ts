// POST /api/experiments/:id/resume: resumes an interrupted (or cancelled) sweep in the background, running only
// the cells it has not stored yet, exactly as `dlm bench --resume ID` does (model hashes checked). 202 like a start.
import { resumeSweepJob } from '@/lib/harness/sweep-jobs.ts';
import { errorResponse, experimentIdOf, json } from '../../../http.ts';

export const dynamic = 'force-dynamic';

export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const id = await resumeSweepJob(experimentIdOf((await params).id));
    return json({ id }, { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}
