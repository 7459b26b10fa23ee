'use client';
// The playground: one prompt (or a task item with its expected answer) through both engines, streamed live.
// The AR panel shows tokens as they come; the diffusion panel the canvas of masks filling in, each position
// coloured by the confidence it was committed with, with a slider to replay the steps afterwards. When the
// block-diffusion model is there, a third panel shows its canvas growing one block at a time, each block denoising.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { authorizedFetch } from '../token-dialog.tsx';
import { REMASKING_POLICIES } from '@/lib/engines/settings.ts';
import { CACHE_MODES } from '@/lib/engines/types.ts';
import type { ModelChoices } from '@/lib/harness/model-choices.ts';
import type { PlaygroundEvent } from '@/lib/harness/playground.ts';
import {
  blockSpeedup,
  canvasCells,
  counters,
  emptySides,
  foldEvent,
  type Side,
  type Sides,
  speedupVerdict,
  splitFrames,
} from '@/lib/harness/playground-state.ts';

type Event = PlaygroundEvent; // the server's event stream (lib/harness/playground.ts), declared there once
// Choice lists come from lib (declared once); task names arrive as props from the server page.
const REMASKING = REMASKING_POLICIES;
const CACHES = CACHE_MODES;

function FieldMessage({ field, errors }: { field: string; errors: Record<string, string> }) {
  return errors[field] ? (
    <span className="field-error" role="alert" data-testid={`error-${field}`}>
      {errors[field]}
    </span>
  ) : null;
}

export function Playground({
  tasks,
  blockModel = null,
  modelChoices = null,
}: {
  tasks: readonly string[];
  blockModel?: string | null;
  modelChoices?: ModelChoices | null;
}) {
  const [arModel, setArModel] = useState(modelChoices?.autoregressive[0]?.id ?? '');
  const [dfModel, setDfModel] = useState(modelChoices?.diffusion[0]?.id ?? '');
  const [dtype, setDtype] = useState<Record<'autoregressive' | 'diffusion', string>>({ autoregressive: '', diffusion: '' }); // '' = the folder's own graph
  const [mode, setMode] = useState<'item' | 'prompt'>('item');
  const [prompt, setPrompt] = useState('copy: k3x9ab\n');
  const [task, setTask] = useState(tasks[0] ?? 'copy');
  const [itemLength, setItemLength] = useState('8');
  const [itemIndex, setItemIndex] = useState('0');
  const [item, setItem] = useState<{ prompt: string; answer: string } | null>(null);
  const [ar, setAr] = useState({ maxNewTokens: '', temperature: '0', topK: '0', topP: '1' });
  const [df, setDf] = useState({
    maxNewTokens: '',
    steps: '',
    blockLength: '',
    remasking: 'low_confidence',
    threshold: '',
    factor: '',
    cache: 'none',
    temperature: '0',
  });
  const [bd, setBd] = useState({ maxNewTokens: '', steps: '', remasking: 'low_confidence', threshold: '', factor: '', temperature: '0' });
  const [runBlock, setRunBlock] = useState(blockModel !== null);
  const [seed, setSeed] = useState('0');
  const [threads, setThreads] = useState('');
  const [store, setStore] = useState(true);
  const [running, setRunning] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [meta, setMeta] = useState<Extract<Event, { type: 'meta' }> | null>(null);
  const [sides, setSides] = useState<Sides>(emptySides);
  const [summary, setSummary] = useState<Extract<Event, { type: 'summary' }> | null>(null);
  const [replay, setReplay] = useState<number | null>(null);
  const [blockReplay, setBlockReplay] = useState<number | null>(null);
  const [, setTick] = useState(0); // re-renders the live counters while a run streams
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    if (mode !== 'item') return;
    const controller = new AbortController();
    fetch(`/api/task-item?task=${task}&length=${encodeURIComponent(itemLength)}&index=${encodeURIComponent(itemIndex)}`, { signal: controller.signal })
      .then(async (r) => {
        const body = await r.json();
        if (!r.ok) {
          setItem(null);
          setErrors((e) => ({ ...e, [`item.${body.field ?? 'length'}`]: body.error }));
        } else {
          setItem({ prompt: body.prompt, answer: body.answer });
          setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('item.'))));
        }
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [mode, task, itemLength, itemIndex]);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((t) => t + 1), 100);
    return () => clearInterval(timer);
  }, [running]);

  const apply = useCallback((event: Event) => {
    if (event.type === 'meta') setMeta(event);
    else if (event.type === 'summary') setSummary(event);
    else if (event.type === 'error' && !event.engine) setErrors((e) => ({ ...e, run: event.message }));
    else setSides((s) => foldEvent(s, event));
  }, []);

  const num = (value: string) => (value.trim() === '' ? undefined : Number(value));
  async function run() {
    setErrors({});
    setMeta(null);
    setSummary(null);
    setReplay(null);
    setBlockReplay(null);
    setSides(emptySides());
    const body = {
      ...(mode === 'item' ? { item: { task, length: num(itemLength), index: num(itemIndex) } } : { prompt: prompt.replace(/\\n/g, '\n') }),
      autoregressive: { maxNewTokens: num(ar.maxNewTokens), temperature: num(ar.temperature), topK: num(ar.topK), topP: num(ar.topP) },
      diffusion: {
        maxNewTokens: num(df.maxNewTokens),
        steps: df.steps.trim() === '' ? undefined : /^\d+$/.test(df.steps.trim()) ? Number(df.steps) : df.steps.trim(),
        blockLength: num(df.blockLength),
        remasking: df.remasking,
        threshold: num(df.threshold),
        factor: num(df.factor),
        cache: df.cache,
        temperature: num(df.temperature),
      },
      ...(blockModel && runBlock
        ? {
            blockDiffusion: {
              maxNewTokens: num(bd.maxNewTokens),
              steps: bd.steps.trim() === '' ? undefined : /^\d+$/.test(bd.steps.trim()) ? Number(bd.steps) : bd.steps.trim(),
              remasking: bd.remasking,
              threshold: num(bd.threshold),
              factor: num(bd.factor),
              temperature: num(bd.temperature),
            },
          }
        : {}),
      seed: num(seed),
      threads: num(threads),
      store,
      ...(modelChoices ? { models: { autoregressive: arModel, diffusion: dfModel }, dtype } : {}),
    };
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    try {
      const response = await authorizedFetch('/api/playground', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        const retry = response.headers.get('Retry-After');
        setErrors({ [problem.field ?? 'run']: `${problem.error}${retry ? ` (retry after ${retry} s)` : ''}` });
        return;
      }
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { events, rest } = splitFrames(buffer + value);
        buffer = rest;
        for (const event of events) apply(event);
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') setErrors({ run: (error as Error).message });
    } finally {
      setRunning(false);
      abort.current = null;
    }
  }

  const stop = () => abort.current?.abort();
  const blockRatio = blockSpeedup(sides);
  const fieldProps = (name: string) => ({ 'aria-invalid': errors[name] ? true : undefined, 'aria-describedby': errors[name] ? `error-${name}` : undefined });

  return (
    <div className="playground">
      <form
        className="card controls"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running) void run();
        }}
        aria-label="Playground settings"
      >
        <fieldset className="source">
          <legend>Input</legend>
          <div className="segmented" role="radiogroup" aria-label="Input source">
            <label>
              <input type="radio" name="mode" checked={mode === 'item'} onChange={() => setMode('item')} /> Task item
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === 'prompt'} onChange={() => setMode('prompt')} /> Free prompt
            </label>
          </div>
          {mode === 'item' ? (
            <div className="row">
              <label>
                Task
                <select value={task} onChange={(e) => setTask(e.target.value)} data-testid="item-task">
                  {tasks.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              <label>
                Length
                <input
                  inputMode="numeric"
                  value={itemLength}
                  onChange={(e) => setItemLength(e.target.value)}
                  data-testid="item-length"
                  {...fieldProps('item.length')}
                />
                <FieldMessage field="item.length" errors={errors} />
              </label>
              <label>
                Index
                <input
                  inputMode="numeric"
                  value={itemIndex}
                  onChange={(e) => setItemIndex(e.target.value)}
                  data-testid="item-index"
                  {...fieldProps('item.index')}
                />
                <FieldMessage field="item.index" errors={errors} />
              </label>
              {item && (
                <p className="item-preview">
                  <span className="muted">prompt</span> <code data-testid="item-prompt">{JSON.stringify(item.prompt)}</code>{' '}
                  <span className="muted">expected</span> <code data-testid="item-expected">{item.answer}</code>
                </p>
              )}
            </div>
          ) : (
            <label className="wide">
              Prompt (<code>\n</code> is a newline; task prompts end with one)
              <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={2} data-testid="prompt" {...fieldProps('prompt')} />
              <FieldMessage field="prompt" errors={errors} />
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend>Autoregressive</legend>
          <ModelPicker side="autoregressive" choices={modelChoices} value={arModel} onChange={setArModel} dtype={[dtype, setDtype]} errors={errors} />
          <div className="row">
            {(['maxNewTokens', 'temperature', 'topK', 'topP'] as const).map((k) => (
              <label key={k}>
                {{ maxNewTokens: 'Max tokens', temperature: 'Temperature', topK: 'Top-k', topP: 'Top-p' }[k]}
                <input
                  value={ar[k]}
                  placeholder={k === 'maxNewTokens' ? 'auto' : undefined}
                  onChange={(e) => setAr({ ...ar, [k]: e.target.value })}
                  data-testid={`ar-${k}`}
                  {...fieldProps(`autoregressive.${k}`)}
                />
                <FieldMessage field={`autoregressive.${k}`} errors={errors} />
              </label>
            ))}
          </div>
          <FieldMessage field="autoregressive" errors={errors} />
        </fieldset>
        <fieldset>
          <legend>Diffusion</legend>
          <ModelPicker side="diffusion" choices={modelChoices} value={dfModel} onChange={setDfModel} dtype={[dtype, setDtype]} errors={errors} />
          <div className="row">
            {(['maxNewTokens', 'steps', 'blockLength', 'threshold', 'factor', 'temperature'] as const).map((k) => (
              <label key={k}>
                {
                  {
                    maxNewTokens: 'Length',
                    steps: 'Steps (N, L, L/4)',
                    blockLength: 'Block',
                    threshold: 'Threshold',
                    factor: 'Factor',
                    temperature: 'Temperature',
                  }[k]
                }
                <input
                  value={df[k]}
                  placeholder={k === 'threshold' || k === 'factor' ? 'off' : k === 'temperature' ? undefined : 'auto'}
                  onChange={(e) => setDf({ ...df, [k]: e.target.value })}
                  data-testid={`df-${k}`}
                  {...fieldProps(`diffusion.${k}`)}
                />
                <FieldMessage field={`diffusion.${k}`} errors={errors} />
              </label>
            ))}
            <label>
              KV cache
              <select value={df.cache} onChange={(e) => setDf({ ...df, cache: e.target.value })} data-testid="df-cache">
                {CACHES.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
              <FieldMessage field="diffusion.cache" errors={errors} />
            </label>
            <label>
              Remasking
              <select value={df.remasking} onChange={(e) => setDf({ ...df, remasking: e.target.value })}>
                {REMASKING.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          </div>
          <FieldMessage field="diffusion" errors={errors} />
        </fieldset>
        {blockModel && (
          <fieldset data-testid="block-settings">
            <legend>Block diffusion</legend>
            <div className="row">
              <label className="check">
                <input type="checkbox" checked={runBlock} onChange={(e) => setRunBlock(e.target.checked)} data-testid="bd-run" /> Run
              </label>
              {(['maxNewTokens', 'steps', 'threshold', 'factor', 'temperature'] as const).map((k) => (
                <label key={k}>
                  {{ maxNewTokens: 'Max tokens (cap)', steps: 'Steps (N, L, L/4)', threshold: 'Threshold', factor: 'Factor', temperature: 'Temperature' }[k]}
                  <input
                    value={bd[k]}
                    placeholder={k === 'threshold' || k === 'factor' ? 'off' : k === 'temperature' ? undefined : 'auto'}
                    onChange={(e) => setBd({ ...bd, [k]: e.target.value })}
                    data-testid={`bd-${k}`}
                    {...fieldProps(`blockDiffusion.${k}`)}
                  />
                  <FieldMessage field={`blockDiffusion.${k}`} errors={errors} />
                </label>
              ))}
              <label>
                Remasking
                <select value={bd.remasking} onChange={(e) => setBd({ ...bd, remasking: e.target.value })}>
                  {REMASKING.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </label>
            </div>
            <p className="muted">
              Blocks of the model&apos;s size, each denoised in parallel on an exact KV cache of the finished ones; stops at &lt;eos&gt;, so max tokens is a
              cap.
            </p>
            <FieldMessage field="blockDiffusion" errors={errors} />
          </fieldset>
        )}
        <fieldset>
          <legend>Both</legend>
          <div className="row">
            <label>
              Seed
              <input value={seed} onChange={(e) => setSeed(e.target.value)} {...fieldProps('seed')} />
              <FieldMessage field="seed" errors={errors} />
            </label>
            <label>
              Threads
              <input value={threads} placeholder="default" onChange={(e) => setThreads(e.target.value)} data-testid="threads" {...fieldProps('threads')} />
              <FieldMessage field="threads" errors={errors} />
            </label>
            <label className="check">
              <input type="checkbox" checked={store} onChange={(e) => setStore(e.target.checked)} /> Save the pair to history
            </label>
          </div>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={running} data-testid="run">
            Run
          </button>
          <button type="button" onClick={stop} disabled={!running} data-testid="stop">
            Stop
          </button>
          <FieldMessage field="run" errors={errors} />
          <FieldMessage field="body" errors={errors} />
        </div>
      </form>
      {meta?.hint && (
        <p className="note" role="status" data-testid="prompt-hint">
          {meta.hint}
        </p>
      )}
      {meta && (
        <p className="muted" data-testid="run-meta">
          Measured on <strong>{meta.hardware}</strong> (threads {meta.threads ?? 'default'}); the engines run one after the other so neither slows the other.{' '}
          {meta.expected !== null && (
            <>
              Expected: <code data-testid="expected">{meta.expected}</code>
            </>
          )}
        </p>
      )}
      <div className={blockModel && runBlock ? 'panels three' : 'panels'}>
        <ArPanel side={sides.autoregressive} model={meta?.models.autoregressive} remote={meta?.remote?.autoregressive} />
        {meta?.remote?.diffusion ? (
          <RemoteDiffusionPanel side={sides.diffusion} model={meta.models.diffusion} remote={meta.remote.diffusion} />
        ) : (
          <DiffusionPanel side={sides.diffusion} model={meta?.models.diffusion} replay={replay} setReplay={setReplay} />
        )}
        {blockModel && runBlock && (
          <DiffusionPanel
            side={sides.block_diffusion}
            model={meta?.models.block_diffusion ?? blockModel}
            replay={blockReplay}
            setReplay={setBlockReplay}
            block
          />
        )}
      </div>
      {summary && (
        <div className="card summary" data-testid="summary">
          {summary.speedup !== null && (
            <p>
              Speedup (AR total ÷ diffusion total, CPU): <strong data-testid="speedup">{summary.speedup.toFixed(2)}×</strong> —{' '}
              {speedupVerdict(summary.speedup)}
            </p>
          )}
          {blockRatio !== null && (
            <p>
              Block diffusion (AR total ÷ block total, CPU): <strong data-testid="block-speedup">{blockRatio.toFixed(2)}×</strong>
            </p>
          )}
          {summary.experimentId && (
            <p>
              Saved: <a href={`/experiments/${summary.experimentId}`}>experiment {summary.experimentId.slice(0, 8)}</a>
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Verdict({ passed }: { passed: boolean | null | undefined }) {
  if (passed === null || passed === undefined) return null;
  return (
    <span className={`verdict ${passed ? 'pass' : 'fail'}`} data-testid="verdict">
      {passed ? '✓ pass' : '✗ fail'}
    </span>
  );
}

/**
 * Each panel's model: any local model of its kind or remote model of its paradigm (shown when there is a choice),
 * and its ONNX variant (fp32, fp16, q4, ...: shown when the model has more than one it can load).
 */
function ModelPicker({
  side,
  choices,
  value,
  onChange,
  dtype: [dtype, onDtype],
  errors,
}: {
  side: 'autoregressive' | 'diffusion';
  choices: ModelChoices | null;
  value: string;
  onChange: (id: string) => void;
  dtype: [Record<'autoregressive' | 'diffusion', string>, (dtype: Record<'autoregressive' | 'diffusion', string>) => void]; // each panel's variant, '' = default
  errors: Record<string, string>;
}) {
  const options = choices?.[side];
  const chosen = options?.find((c) => c.id === value);
  const prefix = side === 'autoregressive' ? 'ar' : 'df';
  return (
    <>
      {options && options.length >= 2 && (
        <label className="model-picker">
          Model
          <select
            value={value}
            onChange={(e) => {
              onChange(e.target.value);
              onDtype({ ...dtype, [side]: '' }); // another model: its own default graph
            }}
            data-testid={`${prefix}-model`}
          >
            {options.map((c) => (
              <option key={c.id} value={c.id} disabled={c.unavailable !== null}>
                {c.id}
                {c.remote ? ' (remote)' : ''}
                {c.unavailable ? ` — ${c.unavailable}` : ''}
              </option>
            ))}
          </select>
          {chosen?.remote && (
            <span className="muted">{side === 'diffusion' ? 'remote: only length, temperature and seed apply; ' : ''}figures include the network</span>
          )}
          <FieldMessage field={`models.${side}`} errors={errors} />
        </label>
      )}
      {chosen && chosen.dtypes.length >= 2 && (
        <label className="model-picker">
          ONNX variant
          <select value={dtype[side] || chosen.dtypes[0]} onChange={(e) => onDtype({ ...dtype, [side]: e.target.value })} data-testid={`${prefix}-dtype`}>
            {chosen.dtypes.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <FieldMessage field={`dtype.${side}`} errors={errors} />
        </label>
      )}
    </>
  );
}

function Counters({ side, remote = false }: { side: Side; remote?: boolean }) {
  const text = counters(side, remote);
  return (
    <dl className="counters">
      <div>
        <dt>TTFT</dt>
        <dd data-testid="ttft">{text.ttft} ms</dd>
      </div>
      <div>
        <dt>elapsed</dt>
        <dd>{text.elapsed} ms</dd>
      </div>
      <div>
        <dt>NFE</dt>
        <dd data-testid="nfe">{text.nfe}</dd>
      </div>
      <div>
        <dt>tok/s</dt>
        <dd>{text.tokensPerSecond}</dd>
      </div>
    </dl>
  );
}

function ArPanel({ side, model, remote }: { side: Side; model?: string; remote?: string }) {
  return (
    <section className="card panel" aria-label="Autoregressive output" data-testid="ar-panel">
      <h2>
        <span className="engine-mark ar" aria-hidden>
          ●
        </span>{' '}
        Autoregressive {model && <span className="muted mono">{model}</span>} <Verdict passed={side.done?.passed} />
      </h2>
      {remote && (
        <p className="muted" data-testid="ar-remote">
          {remote}
        </p>
      )}
      <pre className="stream" data-testid="ar-output" aria-live="polite">
        {side.tokens.join('')}
        {side.started && !side.done && <span className="cursor">▍</span>}
      </pre>
      <Counters side={side} remote={remote !== undefined} />
      {side.error && <p className="error-box">{side.error}</p>}
    </section>
  );
}

/** The diffusion canvas; with `block`, block diffusion's: only the blocks opened by the shown step, a gap between blocks. */
function DiffusionPanel({
  side,
  model,
  replay,
  setReplay,
  block = false,
}: {
  side: Side;
  model?: string;
  replay: number | null;
  setReplay: (n: number | null) => void;
  block?: boolean;
}) {
  const id = (name: string) => (block ? `block-${name}` : name); // test ids stay unique with two canvases
  // Steps can arrive faster than the screen refreshes (a few ms each on small canvases): show them one per
  // frame so every intermediate canvas is seen. Display only; the timings are measured on the server.
  const [live, setLive] = useState(0);
  useEffect(() => {
    if (side.steps.length === 0) return setLive(0);
    if (live >= side.steps.length) return;
    const frame = requestAnimationFrame(() => setLive((n) => n + 1));
    return () => cancelAnimationFrame(frame);
  }, [live, side.steps.length]);
  const shown = replay ?? Math.min(live, side.steps.length);
  const canvas = useMemo(() => canvasCells(side, shown, block), [side, shown, block]);
  return (
    <section className="card panel" aria-label={block ? 'Block diffusion output' : 'Diffusion output'} data-testid={block ? 'block-panel' : 'diffusion-panel'}>
      <h2>
        <span className="engine-mark df" aria-hidden>
          ■
        </span>{' '}
        {block ? 'Block diffusion' : 'Diffusion'} {model && <span className="muted mono">{model}</span>} <Verdict passed={side.done?.passed} />
      </h2>
      <div className="canvas" data-testid={id('canvas')} data-step={shown} aria-label={`canvas after step ${shown}`}>
        {canvas.map((c, i) => (
          <span
            key={i}
            className={`${c.committed ? 'cell committed' : 'cell masked'}${c.blockStart ? ' block-start' : ''}`}
            style={c.background ? { background: c.background } : undefined}
            title={c.title}
          >
            {c.glyph}
          </span>
        ))}
      </div>
      {side.done && side.steps.length > 0 && (
        <label className="replay">
          Replay step {shown} / {side.steps.length}
          <input type="range" min={0} max={side.steps.length} value={shown} onChange={(e) => setReplay(Number(e.target.value))} data-testid={id('replay')} />
        </label>
      )}
      <p className="legend muted">Colour = confidence when committed (pale: low, strong: high; hover for the number). ∎ = end of output.</p>
      {side.done && (
        <pre className="stream" data-testid={block ? 'block-output' : 'diffusion-output'}>
          {side.done.text}
        </pre>
      )}
      <Counters side={side} />
      {side.error && <p className="error-box">{side.error}</p>}
    </section>
  );
}

/** A remote diffusion model: its API streams text deltas, not canvases, so the text is shown as it arrives. */
function RemoteDiffusionPanel({ side, model, remote }: { side: Side; model?: string; remote: string }) {
  return (
    <section className="card panel" aria-label="Diffusion output" data-testid="diffusion-panel">
      <h2>
        <span className="engine-mark df" aria-hidden>
          ■
        </span>{' '}
        Diffusion {model && <span className="muted mono">{model}</span>} <Verdict passed={side.done?.passed} />
      </h2>
      <p className="muted" data-testid="df-remote">
        {remote}: the provider sends text, not its denoising steps
      </p>
      <pre className="stream" data-testid="diffusion-output" aria-live="polite">
        {side.done?.text ?? side.tokens.join('')}
        {side.started && !side.done && <span className="cursor">▍</span>}
      </pre>
      <Counters side={side} remote />
      {side.error && <p className="error-box">{side.error}</p>}
    </section>
  );
}
