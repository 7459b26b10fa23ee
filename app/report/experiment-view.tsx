'use client';
// One experiment, as a researcher would put it in a paper: latency and speedup against output length, pass
// rates with their intervals, the quality–speed frontier and tokens per diffusion step; then the raw runs and
// the environment. The experiment page and its read-only share page both render this (readOnly drops every
// control that could change or start anything, and the overlay).
import { type ReactElement, type ReactNode, useEffect, useMemo, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Aggregate } from '@/lib/harness/aggregate.ts';
import { formatCost } from '@/lib/harness/cost-format.ts';
import {
  environmentRows,
  filterRuns,
  detailedHardwareLabel,
  lengthsOf,
  measuredOn,
  pageOf,
  passCell,
  type ReportData,
  type ReportRun,
  reportCharts,
  type Series,
  shortEngine,
  tasksOf,
  tokensPerStep,
} from '@/lib/harness/report-series.ts';
import { ChartCard } from './chart-card.tsx';
import { PairView, playgroundPair } from './pair-view.tsx';

// The report's shapes and series colours live in lib (framework-free, tested); re-exported for the pages that import them from here.
export type { ReportData, ReportRun, Series } from '@/lib/harness/report-series.ts';
export { AR_COLOUR, DIFFUSION_COLOURS } from '@/lib/harness/report-series.ts';

// Axis titles get room of their own, outside the tick labels: a taller x axis with the title at its bottom,
// a wider y axis with the title at its left edge, and ticks in at most 5 characters.
const compactTick = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
const formatTick = (value: unknown) => (typeof value === 'number' ? compactTick.format(value) : String(value));
const xAxisTitled = (value: string) => ({ height: 42, tickFormatter: formatTick, label: { value, position: 'insideBottom' as const, offset: 0 } });
const yAxisTitled = (value: string) => ({
  width: 64,
  tickFormatter: formatTick,
  label: { value, angle: -90, position: 'insideLeft' as const, offset: 0, style: { textAnchor: 'middle' as const } },
});

/** The frame every chart against output length shares: log-scaled L axis, grid, tooltip, legend. */
export function LengthChart({ data, lengths, y, children }: { data: Record<string, unknown>[]; lengths: number[]; y: ReactElement; children: ReactNode }) {
  return (
    <ResponsiveContainer width="100%" height={280}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
        <XAxis dataKey="length" type="number" scale="log" domain={['dataMin', 'dataMax']} ticks={lengths} {...xAxisTitled('output length L (tokens)')} />
        {y}
        <Tooltip />
        <Legend />
        {children}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

export function Lines({ series, errorKey }: { series: Series[]; errorKey?: boolean }) {
  return (
    <>
      {series.map((s) => (
        <Line
          key={s.key}
          type="linear"
          dataKey={s.key}
          stroke={s.colour}
          strokeDasharray={s.dash}
          dot={{ symbol: s.shape, r: 4, fill: s.colour }} // a marker shape per series: readable without colour
          legendType={s.shape}
          isAnimationActive={false}
          connectNulls
        >
          {errorKey && <ErrorBar dataKey={`${s.key} err`} width={5} stroke={s.colour} direction="y" />}
        </Line>
      ))}
    </>
  );
}

export function ExperimentView({ report, readOnly, shareUrl }: { report: ReportData; readOnly: boolean; shareUrl: string }) {
  const { experiment, aggregates, runs } = report;
  const tasks = tasksOf(aggregates);
  const [chosenTask, setTask] = useState(tasks[0] ?? '');
  const task = tasks.includes(chosenTask) ? chosenTask : (tasks[0] ?? ''); // runs may arrive after the first render (a reload when a sweep ends)
  const [overlay, setOverlay] = useState<ReportData | null>(null);
  const hardware = detailedHardwareLabel(experiment.environment);
  const pair = playgroundPair(report); // a saved playground pair: its side-by-side instead of charts against length
  const cpu = experiment.environment.executionProvider === 'cpu';

  const mine = aggregates.filter((a) => a.task === task);
  const { series, all, stepSeries, speedupSeries, latency, speedup, passRate, frontier } = reportCharts(aggregates, task, overlay?.aggregates);
  const perStep = useMemo(() => tokensPerStep(runs, task), [runs, task]);

  const lengths = lengthsOf(aggregates);
  const note = measuredOn(mine, hardware); // a sweep's workers may have run on several kinds of hardware

  return (
    <div className="report">
      <header className="report-head">
        <h1 data-testid="experiment-title">{experiment.title}</h1>
        <p className="muted">
          {experiment.kind} ·{' '}
          <span className={`badge status-${experiment.status}`} data-testid="experiment-status">
            {experiment.status}
          </span>{' '}
          · {runs.length} runs · created {experiment.createdAt.slice(0, 19).replace('T', ' ')} · <strong>{cpu ? 'CPU' : 'GPU'}</strong>
        </p>
        <p className="share">
          Share (read-only): <code data-testid="share-url">{shareUrl}</code>{' '}
          <button type="button" className="link" onClick={() => void navigator.clipboard.writeText(shareUrl)} data-testid="copy-link">
            Copy link
          </button>
        </p>
        {cpu && (
          <p className="note">
            Measured on a CPU: a forward pass over many tokens is compute-bound there, so diffusion with steps = L does L full-canvas forwards and is slower
            than AR with a KV cache; its advantage needs fewer steps than tokens (L/4, a threshold), caching, or hardware where a forward over the whole canvas
            costs about as much as one over a single token.
          </p>
        )}
      </header>
      {pair ? (
        <PairView report={report} runs={pair} hardware={hardware} />
      ) : (
        <>
          <div className="row chart-controls">
            {tasks.length > 1 && (
              <label>
                Task
                <select value={task} onChange={(e) => setTask(e.target.value)} data-testid="chart-task">
                  {tasks.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
            )}
            {!readOnly && <OverlayPicker current={experiment.id} onPick={setOverlay} />}
          </div>
          <div className="charts">
            <ChartCard id="latency" title={`Latency vs output length (${task}): median, whisker to p95`} note={note} data={latency}>
              <LengthChart data={latency} lengths={lengths} y={<YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow {...yAxisTitled('ms (log)')} />}>
                <Lines series={all} errorKey />
              </LengthChart>
            </ChartCard>
            <ChartCard
              id="speedup"
              title={`Speedup vs length (${task}): AR ÷ diffusion (or block diffusion) latency, paired by item, bootstrap 95% band`}
              note={note}
              data={speedup}
            >
              <LengthChart data={speedup} lengths={lengths} y={<YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow {...yAxisTitled('× (log)')} />}>
                <ReferenceLine y={1} stroke="currentColor" strokeDasharray="2 2" label={{ value: '1× (equal)', position: 'insideTopRight' }} />
                {speedupSeries.map((s) => (
                  <Area
                    key={`${s.key} band`}
                    dataKey={`${s.key} err`}
                    stroke="none"
                    fill={s.colour}
                    fillOpacity={0.15}
                    isAnimationActive={false}
                    legendType="none"
                    connectNulls
                  />
                ))}
                <Lines series={speedupSeries} />
              </LengthChart>
            </ChartCard>
            <ChartCard id="pass-rate" title={`Pass rate vs length (${task}), Wilson 95% intervals`} note={note} data={passRate}>
              <LengthChart data={passRate} lengths={lengths} y={<YAxis domain={[0, 100]} {...yAxisTitled('pass %')} />}>
                <Lines series={all} errorKey />
              </LengthChart>
              <CacheEffects aggregates={mine} />
            </ChartCard>
            <ChartCard id="frontier" title={`Quality–speed frontier (${task}): pass rate vs NFE, one point per setting and length`} note={note} data={frontier}>
              <ResponsiveContainer width="100%" height={280}>
                <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
                  <XAxis dataKey="nfe" type="number" scale="log" domain={['auto', 'auto']} name="NFE" {...xAxisTitled('forward passes (NFE, log)')} />
                  <YAxis dataKey="passRate" type="number" domain={[0, 100]} name="pass %" {...yAxisTitled('pass %')} />
                  <Tooltip cursor={{ strokeDasharray: '3 3' }} />
                  <Legend />
                  {series.map((s) => (
                    <Scatter
                      key={s.key}
                      name={s.key}
                      data={frontier.filter((p) => p.series === s.key)}
                      fill={s.colour}
                      shape={s.shape}
                      isAnimationActive={false}
                    />
                  ))}
                </ScatterChart>
              </ResponsiveContainer>
            </ChartCard>
            <ChartCard
              id="tokens-per-step"
              title={`Tokens committed per diffusion step (${task}), median over runs`}
              note="generated tokens ÷ forward passes"
              data={perStep}
            >
              <LengthChart data={perStep} lengths={lengths} y={<YAxis {...yAxisTitled('tokens / step')} />}>
                <Lines series={stepSeries} />
              </LengthChart>
            </ChartCard>
          </div>
        </>
      )}
      <RemoteModels report={report} />
      <RunsTable runs={runs} />
      <EnvironmentPanel report={report} hardware={hardware} />
    </div>
  );
}

function OverlayPicker({ current, onPick }: { current: string; onPick: (report: ReportData | null) => void }) {
  const [options, setOptions] = useState<{ id: string; title: string; createdAt: string }[]>([]);
  const [chosen, setChosen] = useState('');
  useEffect(() => {
    fetch('/api/experiments?pageSize=100', { cache: 'no-store' })
      .then((r) => r.json())
      .then((body: { rows?: { id: string; title: string; createdAt: string; kind: string }[] }) =>
        setOptions((body.rows ?? []).filter((r) => r.id !== current && r.kind === 'sweep')),
      )
      .catch(() => undefined);
  }, [current]);
  useEffect(() => {
    if (!chosen) return onPick(null);
    fetch(`/api/experiments/${chosen}`, { cache: 'no-store' })
      .then((r) => r.json())
      .then((body) => onPick(body as ReportData))
      .catch(() => onPick(null));
  }, [chosen, onPick]);
  return (
    <label>
      Overlay another experiment (dashed, “(B)”)
      <select value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="overlay">
        <option value="">none</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.title} ({o.createdAt.slice(0, 16).replace('T', ' ')})
          </option>
        ))}
      </select>
    </label>
  );
}

const PAGE = 25;

function RunsTable({ runs }: { runs: ReportRun[] }) {
  const [engine, setEngine] = useState('');
  const [outcome, setOutcome] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const shown = filterRuns(runs, { engine, outcome, search });
  const { at, pages } = pageOf(shown.length, PAGE, page);
  return (
    <section className="card" aria-label="Runs">
      <h2>Runs</h2>
      <div className="row filters">
        <label>
          Engine
          <select value={engine} onChange={(e) => (setEngine(e.target.value), setPage(0))}>
            <option value="">all</option>
            <option value="autoregressive">AR</option>
            <option value="diffusion">diffusion</option>
            <option value="block_diffusion">block</option>
          </select>
        </label>
        <label>
          Result
          <select value={outcome} onChange={(e) => (setOutcome(e.target.value), setPage(0))}>
            <option value="">any</option>
            <option value="pass">pass</option>
            <option value="fail">fail</option>
            <option value="latency">latency-only</option>
          </select>
        </label>
        <label>
          Search (item, setting, output)
          <input value={search} onChange={(e) => (setSearch(e.target.value), setPage(0))} />
        </label>
      </div>
      <div className="table-wrap">
        <table data-testid="runs-table">
          <thead>
            <tr>
              <th>engine</th>
              <th>setting</th>
              <th>item</th>
              <th>L</th>
              <th>output</th>
              <th>pass</th>
              <th className="num">ttft ms</th>
              <th className="num">total ms</th>
              <th className="num">NFE</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(at * PAGE, (at + 1) * PAGE).map((r) => (
              <tr key={r.id} data-testid="run-row">
                <td>{shortEngine(r.engine)}</td>
                <td>{r.setting ?? '—'}</td>
                <td className="mono">{r.itemId ?? '—'}</td>
                <td className="num">{r.requestedLength}</td>
                <td className="mono output" title={r.failure ?? r.error ?? undefined}>
                  {r.failure ? `failed: ${r.failure}` : r.outputText}
                </td>
                <td>{passCell(r)}</td>
                <td className="num">{r.ttftMs?.toFixed(1) ?? '—'}</td>
                <td className="num">{r.totalMs.toFixed(1)}</td>
                <td className="num">{r.forwardPasses}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Run pages">
        <button type="button" disabled={at === 0} onClick={() => setPage(at - 1)}>
          ← Previous
        </button>
        <span>
          page {at + 1} of {pages} ({shown.length} runs)
        </span>
        <button type="button" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>
          Next →
        </button>
      </nav>
    </section>
  );
}

/** Remote models' cells: where they were measured (network included), failed requests, and cost beside latency. */
function RemoteModels({ report }: { report: ReportData }) {
  const remote = report.aggregates.filter((a) => a.remote);
  if (remote.length === 0) return null;
  const ms = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(1));
  return (
    <section className="card" data-testid="remote-models">
      <h2>Remote models</h2>
      <p className="muted">
        Measured through their APIs from this machine: every latency includes the network. Failed requests count as not passed and never in the latencies.
        {report.cost ? ` Cost: ${formatCost(report.cost.totalUsd, report.cost.estimated)} over ${report.cost.runs} runs.` : ''}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>L</th>
              <th>task</th>
              <th>model</th>
              <th>measured on</th>
              <th className="num">n</th>
              <th className="num">failed</th>
              <th className="num">median ms</th>
              <th className="num">p95 ms</th>
              <th className="num">cost / run</th>
            </tr>
          </thead>
          <tbody>
            {remote.map((a) => (
              <tr key={`${a.model}|${a.setting}|${a.task}|${a.length}`}>
                <td className="num">{a.length}</td>
                <td>{a.task}</td>
                <td className="mono">{a.model}</td>
                <td>{a.remote}</td>
                <td className="num">{a.runs}</td>
                <td className="num">{a.failures}</td>
                <td className="num">{ms(a.latencyMedianMs)}</td>
                <td className="num">{ms(a.latencyP95Ms)}</td>
                <td className="num" data-testid="cost-per-run">
                  {formatCost(a.costUsd?.medianPerRun ?? null, a.costUsd?.estimated ?? false)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EnvironmentPanel({ report, hardware }: { report: ReportData; hardware: string }) {
  const rows = environmentRows(report, hardware);
  return (
    <section className="card" aria-label="Environment" data-testid="environment">
      <h2>Environment</h2>
      <table>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td className="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** What a diffusion KV cache cost in pass rate against the same settings without it, on the same items. */
function CacheEffects({ aggregates }: { aggregates: Aggregate[] }) {
  const cached = aggregates.filter((a) => a.cacheEffect);
  if (cached.length === 0) return null;
  return (
    <ul className="cache-effects" aria-label="pass rate change from the KV cache">
      {cached.map((a) => (
        <li key={`${a.setting}|${a.length}`}>
          L={a.length} {a.setting}: {a.cacheEffect!.passRateDelta >= 0 ? '+' : ''}
          {(a.cacheEffect!.passRateDelta * 100).toFixed(0)} points vs {a.cacheEffect!.versus} (same {a.cacheEffect!.n} items)
        </li>
      ))}
    </ul>
  );
}
