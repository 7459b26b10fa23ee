// GET /api/experiments/:id/export?format=csv|json&table=runs|aggregates: the downloads behind `dlm export`.
import { aggregateRow, runRow, toCsv } from '@/lib/harness/export.ts';
import { FieldError } from '@/lib/harness/field-error.ts';
import { loadReport } from '@/lib/harness/report.ts';
import { errorResponse, experimentIdOf } from '../../../http.ts';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const url = new URL(request.url);
    const format = url.searchParams.get('format') ?? 'json';
    if (format !== 'csv' && format !== 'json') throw new FieldError('format', 'must be csv or json');
    const table = url.searchParams.get('table') ?? 'runs';
    if (table !== 'runs' && table !== 'aggregates') throw new FieldError('table', 'must be runs or aggregates');
    const report = await loadReport(experimentIdOf((await params).id));
    const name = `experiment-${report.experiment.id.slice(0, 8)}`;
    if (format === 'json') {
      const body = JSON.stringify({ experiment: report.experiment, runs: report.runs.map(runRow), aggregates: report.aggregates.map(aggregateRow) }, null, 2);
      return new Response(body, { headers: { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${name}.json"` } });
    }
    const body = toCsv(table === 'runs' ? report.runs.map(runRow) : report.aggregates.map(aggregateRow));
    return new Response(body, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}-${table}.csv"` } });
  } catch (error) {
    return errorResponse(error);
  }
}
