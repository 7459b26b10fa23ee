// GET /api/experiments: the history (filter, search, sort, paginate). POST: start a sweep in the background.
import { experimentHistory, parseHistoryQuery } from '@/lib/harness/history.ts';
import { startSweepJob } from '@/lib/harness/sweep-jobs.ts';
import { errorResponse, json, readJson } from '../http.ts';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  try {
    return json(await experimentHistory(parseHistoryQuery(new URL(request.url).searchParams)));
  } catch (error) {
    return errorResponse(error);
  }
}

export async function POST(request: Request): Promise<Response> {
  try {
    const id = await startSweepJob(await readJson(request));
    return json({ id }, { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}
