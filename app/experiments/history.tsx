'use client';
// The experiment history (CLI and app alike): filter by task, model and status, search titles, sort, paginate.
import { useEffect, useState } from 'react';
import type { HistoryRow as Row } from '@/lib/harness/history.ts';

type Sort = 'created' | 'title' | 'status' | 'runs';

export function History({ tasks, statuses, refreshKey = 0 }: { tasks: readonly string[]; statuses: readonly string[]; refreshKey?: number }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [task, setTask] = useState('');
  const [model, setModel] = useState('');
  const [sort, setSort] = useState<Sort>('created');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ rows: Row[]; total: number; page: number; pages: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ q: search, status, task, model, sort, dir, page: String(page), pageSize: '15' });
    fetch(`/api/experiments?${params}`, { signal: controller.signal, cache: 'no-store' })
      .then(async (r) => {
        const body = await r.json();
        if (r.ok) {
          setData(body);
          setError(null);
        } else setError(body.error);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [search, status, task, model, sort, dir, page, refreshKey]);

  const header = (key: Sort, label: string) => (
    <th aria-sort={sort === key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="link"
        onClick={() => {
          if (sort === key) setDir(dir === 'asc' ? 'desc' : 'asc');
          else {
            setSort(key);
            setDir(key === 'title' ? 'asc' : 'desc');
          }
        }}
      >
        {label} {sort === key ? (dir === 'asc' ? '▲' : '▼') : ''}
      </button>
    </th>
  );
  const models = [...new Set(data?.rows.flatMap((r) => r.models) ?? [])];

  return (
    <section aria-label="Experiment history">
      <div className="row filters">
        <label>
          Search titles
          <input value={search} onChange={(e) => (setSearch(e.target.value), setPage(1))} data-testid="history-search" />
        </label>
        <label>
          Task
          <select value={task} onChange={(e) => (setTask(e.target.value), setPage(1))}>
            <option value="">any</option>
            {tasks.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input value={model} list="history-models" placeholder="any" onChange={(e) => (setModel(e.target.value), setPage(1))} />
          <datalist id="history-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus(e.target.value), setPage(1))}>
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="error-box">{error}</p>}
      {data && data.total === 0 ? (
        <p className="empty" data-testid="history-empty">
          No experiments match.
        </p>
      ) : (
        <div className="table-wrap">
          <table data-testid="history-table">
            <thead>
              <tr>
                {header('title', 'Title')}
                <th>Kind</th>
                {header('status', 'Status')}
                {header('runs', 'Runs')}
                <th>Tasks</th>
                <th>Measured on</th>
                {header('created', 'Created')}
              </tr>
            </thead>
            <tbody>
              {data?.rows.map((r) => (
                <tr key={r.id} data-testid="history-row">
                  <td>
                    <a href={`/experiments/${r.id}`}>{r.title}</a>
                  </td>
                  <td>{r.kind}</td>
                  <td>
                    <span className={`badge status-${r.status}`}>{r.status}</span>
                  </td>
                  <td className="num">{r.runCount}</td>
                  <td>{r.tasks.join(', ') || '—'}</td>
                  <td>{r.hardware}</td>
                  <td className="mono">{r.createdAt.slice(0, 19).replace('T', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.pages > 1 && (
        <nav className="pager" aria-label="History pages">
          <button type="button" disabled={data.page <= 1} onClick={() => setPage(data.page - 1)}>
            ← Newer
          </button>
          <span>
            page {data.page} of {data.pages} ({data.total} experiments)
          </span>
          <button type="button" disabled={data.page >= data.pages} onClick={() => setPage(data.page + 1)}>
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}
