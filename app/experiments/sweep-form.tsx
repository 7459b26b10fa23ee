'use client';
// Starts a sweep (the same spec as `dlm bench`) as a background job and shows its progress until it ends.
import { useEffect, useState } from 'react';
import type { QueueProgress } from '@/lib/harness/worker-progress.ts';
import { authorizedFetch } from '../token-dialog.tsx';

export const DEFAULT_SMALL_SWEEP = {
  title: 'default small sweep',
  tasks: ['copy'],
  lengths: [8, 16],
  itemsPerLength: 3,
  diffusion: [{ steps: ['L', 'L/4'] }],
  warmup: 1,
  repeats: 1,
};

export interface Progress {
  status: string;
  job: { state: string; error: string | null; progress: { done: number; total: number; etaMs: number | null } | null } | null;
  queue?: QueueProgress | null; // a queued sweep (PostgreSQL): its cells are run by `dlm worker`s
}

/** Running here, or queued for workers: the progress keeps being polled. */
export const isLive = (status: string) => status === 'running' || status === 'queued';

/** Which input shows a spec error: "lengths[1]" → lengths, "diffusion[0].steps[0]" → steps. */
function inputFor(field: string): string {
  if (field.startsWith('diffusion') && field.includes('threshold')) return 'threshold';
  if (field.startsWith('diffusion')) return 'steps';
  return field.replace(/\[.*$/, '').replace(/\..*$/, '');
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));

export function useSweepProgress(id: string | null) {
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    const poll = async () => {
      let status = 'running';
      while (!stopped) {
        const response = await fetch(`/api/experiments/${id}/progress`, { cache: 'no-store' }).catch(() => null);
        if (response?.ok) {
          const body = (await response.json()) as Progress;
          setProgress(body);
          status = body.status;
          if (!isLive(status)) return;
        }
        await new Promise((r) => setTimeout(r, status === 'queued' ? 2000 : 500)); // a queued sweep's workers report less often
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [id]);
  return progress;
}

/** `onDone`: once the sweep no longer runs here (finished, stopped, or handed to the queue's workers). */
export function SweepProgress({ id, onDone }: { id: string; onDone?: () => void }) {
  const progress = useSweepProgress(id);
  const queue = progress?.queue;
  const p = progress?.job?.progress ?? (queue ? { done: queue.stored, total: queue.total ?? queue.stored, etaMs: null } : undefined);
  const running = !progress || isLive(progress.status);
  useEffect(() => {
    if (progress && progress.status !== 'running') onDone?.();
  }, [progress, onDone]);
  return (
    <div className="card progress-card" data-testid="sweep-progress" data-status={progress?.status ?? 'running'}>
      <progress max={p?.total ?? 1} value={p?.done ?? 0} aria-label="sweep progress" />
      <span>
        {p ? `${p.done} / ${p.total} runs` : 'starting…'}
        {running && p?.etaMs != null && ` · about ${Math.ceil(p.etaMs / 1000)} s left`}
        {(!running || queue) && ` · ${progress!.status}`}
        {queue && (queue.waitingForWorker ? ', no worker alive: start one with "dlm worker"' : `, ${queue.alive} worker${queue.alive === 1 ? '' : 's'} alive`)}
        {progress?.job?.error && ` · ${progress.job.error}`}
      </span>{' '}
      {queue && (
        <a href={`/experiments/${id}`} data-testid="open-experiment">
          Its workers →
        </a>
      )}{' '}
      {running ? (
        <button type="button" onClick={() => void authorizedFetch(`/api/experiments/${id}/cancel`, { method: 'POST' })} data-testid="cancel-sweep">
          Cancel
        </button>
      ) : (
        <a href={`/experiments/${id}`} data-testid="open-experiment">
          Open the results →
        </a>
      )}
    </div>
  );
}

export function SweepForm({ tasks: taskNames, onStarted }: { tasks: readonly string[]; onStarted?: (id: string) => void }) {
  const [title, setTitle] = useState('my sweep');
  const [tasks, setTasks] = useState<string[]>(['copy']);
  const [lengths, setLengths] = useState('8,16');
  const [items, setItems] = useState('3');
  const [steps, setSteps] = useState('L,L/4');
  const [threshold, setThreshold] = useState('');
  const [repeats, setRepeats] = useState('1');
  const [warmup, setWarmup] = useState('1');
  const [threads, setThreads] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [started, setStarted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(spec: unknown) {
    setErrors({});
    setBusy(true);
    try {
      const response = await authorizedFetch('/api/experiments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(spec),
      });
      const body = await response.json();
      if (!response.ok) setErrors({ [body.field ? inputFor(body.field) : 'form']: body.error });
      else {
        setStarted(body.id);
        onStarted?.(body.id);
      }
    } finally {
      setBusy(false);
    }
  }

  function specFromForm() {
    const num = (s: string) => (s.trim() === '' ? undefined : /^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : s);
    const diffusion: Record<string, unknown>[] = [];
    if (steps.trim()) diffusion.push({ steps: list(steps) });
    if (threshold.trim()) diffusion.push({ threshold: list(threshold) });
    return {
      title,
      tasks,
      lengths: list(lengths),
      itemsPerLength: num(items),
      ...(diffusion.length ? { diffusion } : {}),
      repeats: num(repeats),
      warmup: num(warmup),
      ...(threads.trim() ? { threads: num(threads) } : {}),
    };
  }

  const message = (field: string) =>
    errors[field] ? (
      <span className="field-error" role="alert" data-testid={`error-${field}`}>
        {errors[field]}
      </span>
    ) : null;
  const invalid = (field: string) => (errors[field] ? { 'aria-invalid': true as const } : {});

  return (
    <>
      <form
        className="card controls"
        aria-label="New sweep"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(specFromForm());
        }}
      >
        <div className="row">
          <label className="wide">
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="sweep-title" {...invalid('title')} />
            {message('title')}
          </label>
        </div>
        <fieldset>
          <legend>Tasks</legend>
          {taskNames.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={tasks.includes(t)}
                onChange={(e) => setTasks(e.target.checked ? [...tasks, t] : tasks.filter((x) => x !== t))}
                data-testid={`sweep-task-${t}`}
              />{' '}
              {t}
            </label>
          ))}
          {message('tasks')}
        </fieldset>
        <div className="row">
          <label>
            Lengths
            <input value={lengths} onChange={(e) => setLengths(e.target.value)} data-testid="sweep-lengths" {...invalid('lengths')} />
            {message('lengths')}
          </label>
          <label>
            Items per length
            <input value={items} onChange={(e) => setItems(e.target.value)} data-testid="sweep-items" {...invalid('itemsPerLength')} />
            {message('itemsPerLength')}
          </label>
          <label>
            Diffusion steps
            <input value={steps} onChange={(e) => setSteps(e.target.value)} data-testid="sweep-steps" {...invalid('steps')} />
            {message('steps')}
          </label>
          <label>
            Thresholds
            <input
              value={threshold}
              placeholder="e.g. 0.9"
              onChange={(e) => setThreshold(e.target.value)}
              data-testid="sweep-threshold"
              {...invalid('threshold')}
            />
            {message('threshold')}
          </label>
          <label>
            Repeats
            <input value={repeats} onChange={(e) => setRepeats(e.target.value)} {...invalid('repeats')} />
            {message('repeats')}
          </label>
          <label>
            Warm-up
            <input value={warmup} onChange={(e) => setWarmup(e.target.value)} {...invalid('warmup')} />
            {message('warmup')}
          </label>
          <label>
            Threads
            <input value={threads} placeholder="default" onChange={(e) => setThreads(e.target.value)} {...invalid('threads')} />
            {message('threads')}
          </label>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy || (started !== null && !errors.form)} data-testid="start-sweep">
            Start sweep
          </button>
          {message('form')}
        </div>
      </form>
      {started && <SweepProgress id={started} />}
    </>
  );
}

export function DefaultSweepButton() {
  const [id, setId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return id ? (
    <SweepProgress id={id} />
  ) : (
    <p>
      <button
        type="button"
        data-testid="default-sweep"
        onClick={async () => {
          const response = await authorizedFetch('/api/experiments', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(DEFAULT_SMALL_SWEEP),
          });
          const body = await response.json();
          if (response.ok) setId(body.id);
          else setError(body.error);
        }}
      >
        Run the default small sweep
      </button>{' '}
      <span className="muted">copy at lengths 8 and 16, 3 items, diffusion steps L and L/4 (a few seconds here)</span>
      {error && <span className="field-error">{error}</span>}
    </p>
  );
}
