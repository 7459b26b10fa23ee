// The experiment history the dashboard lists: every stored experiment (from the CLI or the app), filtered,
// searched, sorted and paginated. Task and model filters read each experiment's stored config.
import { EXPERIMENT_STATUSES, listExperiments, type ExperimentSummary } from '../db/experiments.ts';
import { FieldError } from './field-error.ts';

export interface HistoryQuery {
  search: string;
  status: string | null;
  task: string | null;
  model: string | null;
  sort: 'created' | 'title' | 'status' | 'runs';
  direction: 'asc' | 'desc';
  page: number; // 1-based
  pageSize: number;
}

export interface HistoryRow {
  id: string;
  title: string;
  kind: string;
  status: string;
  createdAt: string;
  runCount: number;
  tasks: string[];
  models: string[];
  hardware: string;
}

const SORTS = ['created', 'title', 'status', 'runs'] as const;

export function parseHistoryQuery(params: URLSearchParams): HistoryQuery {
  const text = (name: string, max = 200) => {
    const value = params.get(name)?.trim() ?? '';
    if (value.length > max) throw new FieldError(name, `is longer than ${max} characters`);
    return value;
  };
  const status = text('status') || null;
  if (status && !(EXPERIMENT_STATUSES as readonly string[]).includes(status))
    throw new FieldError('status', `must be one of ${EXPERIMENT_STATUSES.join(', ')}`);
  const sort = (text('sort') || 'created') as HistoryQuery['sort'];
  if (!SORTS.includes(sort)) throw new FieldError('sort', `must be one of ${SORTS.join(', ')}`);
  const direction = (text('dir') || 'desc') as HistoryQuery['direction'];
  if (direction !== 'asc' && direction !== 'desc') throw new FieldError('dir', 'must be asc or desc');
  const int = (name: string, fallback: number, max: number) => {
    const raw = text(name);
    if (raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new FieldError(name, `must be an integer in [1, ${max}]`);
    return value;
  };
  return {
    search: text('q'),
    status,
    task: text('task') || null,
    model: text('model') || null,
    sort,
    direction,
    page: int('page', 1, 100_000),
    pageSize: int('pageSize', 20, 200),
  };
}

function describe(e: ExperimentSummary): HistoryRow {
  const config = (e.config ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const tasks: string[] = config.resolved?.tasks ?? (config.task ? [config.task] : config.item?.task ? [config.item.task] : []);
  const modelsField = config.models ?? {};
  const models = [config.model, ...Object.values(modelsField).map((m: any) => (typeof m === 'string' ? m : m?.id))].filter(
    (m): m is string => typeof m === 'string',
  ); // eslint-disable-line @typescript-eslint/no-explicit-any
  const env = e.environment;
  return {
    id: e.id,
    title: e.title,
    kind: e.kind,
    status: e.status,
    createdAt: e.createdAt.toISOString(),
    runCount: e.runCount,
    tasks,
    models,
    hardware: env.executionProvider === 'cpu' ? `CPU (${env.cpuModel})` : `GPU ${env.gpuModel ?? ''} (${env.executionProvider})`,
  };
}

export async function experimentHistory(query: HistoryQuery): Promise<{ rows: HistoryRow[]; total: number; page: number; pages: number }> {
  const all = (await listExperiments({ limit: 5000 })).map(describe);
  const needle = query.search.toLowerCase();
  const rows = all.filter(
    (r) =>
      (!needle || r.title.toLowerCase().includes(needle)) &&
      (!query.status || r.status === query.status) &&
      (!query.task || r.tasks.includes(query.task)) &&
      (!query.model || r.models.includes(query.model)),
  );
  const key = {
    created: (r: HistoryRow) => r.createdAt,
    title: (r: HistoryRow) => r.title.toLowerCase(),
    status: (r: HistoryRow) => r.status,
    runs: (r: HistoryRow) => r.runCount,
  }[query.sort];
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return query.direction === 'asc' ? order : -order;
  });
  const pages = Math.max(1, Math.ceil(rows.length / query.pageSize));
  const page = Math.min(query.page, pages);
  return { rows: rows.slice((page - 1) * query.pageSize, page * query.pageSize), total: rows.length, page, pages };
}
