// POST /api/experiments/:id/cancel: stops a running background sweep between runs, or a queued sweep's
// waiting cells (status: cancelled).
import { cancelSweep } from '@/lib/harness/sweep-jobs.ts';
import { NotFoundError } from '@/lib/user-error.ts';
import { errorResponse, experimentIdOf, json } from '../../../http.ts';

export const dynamic = 'force-dynamic';

export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const id = experimentIdOf((await params).id);
    if (!(await cancelSweep(id))) throw new NotFoundError(`no experiment "${id}" is running in this server or queued`);
    return json({ cancelling: id }, { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}
