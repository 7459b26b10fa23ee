'use client';
// A pair saved from the playground, shown as the side-by-side it was: the prompt and expected answer, each
// engine's output with its verdict and timings, and the speedup. One prompt at one length has no curve to
// draw, so this replaces the charts against length (which would only say "No data").
import type { ReportData, ReportRun } from './experiment-view.tsx';

const ENGINE_NAMES: Record<string, string> = { autoregressive: 'Autoregressive', diffusion: 'Diffusion', block_diffusion: 'Block diffusion' };
const ENGINE_ORDER = ['autoregressive', 'diffusion', 'block_diffusion'];

interface PlaygroundConfig {
  source?: string;
  prompt?: string;
  item?: { task: string; length: number; answer: string } | null;
}

/** The runs of a playground pair (one per engine, AR first), or null when the experiment is anything else. */
export function playgroundPair(report: ReportData): ReportRun[] | null {
  const config = (report.experiment.config ?? {}) as PlaygroundConfig;
  if (report.experiment.kind !== 'compare' || config.source !== 'playground') return null;
  const engines = report.runs.map((r) => r.engine);
  if (report.runs.length < 2 || new Set(engines).size !== engines.length || !engines.includes('autoregressive')) return null;
  return [...report.runs].sort((a, b) => ENGINE_ORDER.indexOf(a.engine) - ENGINE_ORDER.indexOf(b.engine));
}

const verdict = (passed: boolean | null) => (passed === null ? null : passed ? '✓ pass' : '✗ fail');
const tokensPerSecond = (r: ReportRun) => (r.totalMs > 0 ? (r.generatedTokens / r.totalMs) * 1000 : 0);

export function PairView({ report, runs, hardware }: { report: ReportData; runs: ReportRun[]; hardware: string }) {
  const config = (report.experiment.config ?? {}) as PlaygroundConfig;
  const ar = runs.find((r) => r.engine === 'autoregressive')!;
  return (
    <section className="card pair" aria-label="Side by side" data-testid="pair-view">
      <h2>Side by side</h2>
      <p>
        <span className="muted">prompt</span> <code data-testid="pair-prompt">{JSON.stringify(config.prompt ?? ar.prompt)}</code>
        {config.item && (
          <>
            {' '}
            <span className="muted">task</span> {config.item.task}, L = {config.item.length} <span className="muted">expected</span>{' '}
            <code>{config.item.answer}</code>
          </>
        )}
      </p>
      <div className="panels">
        {runs.map((r) => (
          <div key={r.id} className="panel" data-testid={`pair-${r.engine}`}>
            <h3>
              {ENGINE_NAMES[r.engine] ?? r.engine} <span className="muted mono">{r.modelId}</span>{' '}
              {r.passed !== null && (
                <span className={`verdict ${r.passed ? 'pass' : 'fail'}`} data-testid="pair-verdict">
                  {verdict(r.passed)}
                </span>
              )}
            </h3>
            <pre className="stream" data-testid="pair-output">
              {r.outputText}
            </pre>
            <dl className="counters">
              <div>
                <dt>TTFT</dt>
                <dd>{r.ttftMs === null ? '—' : `${r.ttftMs.toFixed(1)} ms`}</dd>
              </div>
              <div>
                <dt>total</dt>
                <dd data-testid="pair-total">{r.totalMs.toFixed(1)} ms</dd>
              </div>
              <div>
                <dt>NFE</dt>
                <dd>{r.forwardPasses}</dd>
              </div>
              <div>
                <dt>tok/s</dt>
                <dd>{tokensPerSecond(r).toFixed(0)}</dd>
              </div>
            </dl>
          </div>
        ))}
      </div>
      {runs
        .filter((r) => r !== ar && r.totalMs > 0)
        .map((r) => {
          const speedup = ar.totalMs / r.totalMs;
          return (
            <p key={r.id} data-testid="pair-speedup">
              Speedup (AR total ÷ {ENGINE_NAMES[r.engine]?.toLowerCase() ?? r.engine} total, {hardware.startsWith('CPU') ? 'CPU' : 'GPU'}):{' '}
              <strong>{speedup.toFixed(2)}×</strong> — {speedup >= 1 ? `${speedup.toFixed(2)}× faster` : `${(1 / speedup).toFixed(2)}× slower`} than AR on this
              one prompt
            </p>
          );
        })}
    </section>
  );
}
