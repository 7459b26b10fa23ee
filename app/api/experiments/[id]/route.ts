// GET /api/experiments/:id: the experiment, its statistics (computed from its runs) and its runs.
import { loadReport } from '@/lib/harness/report.ts';
import { errorResponse, experimentIdOf, json } from '../../http.ts';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    return json(await loadReport(experimentIdOf((await params).id)));
  } catch (error) {
    return errorResponse(error);
  }
}
