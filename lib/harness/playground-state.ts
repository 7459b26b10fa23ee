// The playground's server-sent events folded into what its panels show: per engine the tokens, the diffusion
// steps and the canvas they fill, the live counters, the verdict; and the speedups in the summary. Framework-free,
// so it is tested on its own; the page (app/playground/playground.tsx) keeps only markup and React state.
import type { EngineKind } from '../models/discover.ts';
import type { PlaygroundEvent } from './playground.ts';

export type Committed = Extract<PlaygroundEvent, { type: 'step' }>['committed'][number];
export type DoneEvent = Extract<PlaygroundEvent, { type: 'done' }>;

/** One engine's panel. */
export interface Side {
  length: number;
  started: boolean;
  tokens: string[]; // AR
  steps: { committed: Committed[]; elapsedMs: number; canvas: number }[]; // diffusion; canvas = positions shown (block diffusion grows)
  grown: number; // block diffusion: positions of the blocks opened so far
  blockEnds: number[]; // block diffusion: where each opened block ends (Fast-dLLM v2's first block is short)
  firstMs: number | null;
  lastMs: number;
  done: DoneEvent | null;
  error: string | null;
}

export type Sides = Record<EngineKind, Side>;

export const emptySide = (): Side => ({
  length: 0,
  started: false,
  tokens: [],
  steps: [],
  grown: 0,
  blockEnds: [],
  firstMs: null,
  lastMs: 0,
  done: null,
  error: null,
});
export const emptySides = (): Sides => ({ autoregressive: emptySide(), diffusion: emptySide(), block_diffusion: emptySide() });

/**
 * One engine's event folded into the panels (a new object; the old is left as it was). Events that belong to no
 * panel (meta, summary, an error of the whole run) leave them as they are: the page keeps those apart.
 */
export function foldEvent(sides: Sides, event: PlaygroundEvent): Sides {
  if (event.type === 'meta' || event.type === 'summary') return sides;
  if (event.type === 'error') return event.engine ? { ...sides, [event.engine]: { ...sides[event.engine], error: event.message } } : sides;
  const side = { ...sides[event.engine] };
  if (event.type === 'start') Object.assign(side, { started: true, length: event.length });
  else if (event.type === 'token') {
    if (event.text !== '<eos>') side.tokens = [...side.tokens, event.text]; // the end shows as the verdict, not as text
    side.firstMs ??= event.elapsedMs;
    side.lastMs = event.elapsedMs;
  } else if (event.type === 'block') {
    side.grown = event.start + event.length;
    side.blockEnds = [...side.blockEnds, side.grown];
  } else if (event.type === 'step') {
    side.steps = [...side.steps, { committed: event.committed, elapsedMs: event.elapsedMs, canvas: side.grown || side.length }];
    side.firstMs ??= event.elapsedMs;
    side.lastMs = event.elapsedMs;
  } else if (event.type === 'done') side.done = event;
  return { ...sides, [event.engine]: side };
}

/** Complete `data:` frames out of what the stream has sent so far, and the unfinished rest to keep for the next read. */
export function splitFrames(buffer: string): { events: PlaygroundEvent[]; rest: string } {
  const frames = buffer.split('\n\n');
  const rest = frames.pop()!;
  const events = frames.filter((frame) => frame.startsWith('data: ')).map((frame) => JSON.parse(frame.slice(6)) as PlaygroundEvent);
  return { events, rest };
}

export interface CounterText {
  ttft: string; // ms, or '—' before the first token
  elapsed: string; // ms
  nfe: string; // '—' behind an API, where forward passes are unknown
  tokensPerSecond: string;
}

/** The live counters under a panel: the final timings once done, else what the stream has shown so far. */
export function counters(side: Side, remote = false): CounterText {
  const t = side.done?.timings;
  const tokens = t?.generatedTokens ?? side.tokens.length;
  const elapsed = t?.totalMs ?? side.lastMs;
  return {
    ttft: (t?.ttftMs ?? side.firstMs)?.toFixed(1) ?? '—',
    elapsed: elapsed.toFixed(1),
    nfe: remote ? '—' : String(t?.forwardPasses ?? (side.tokens.length || side.steps.length)),
    tokensPerSecond: t ? t.tokensPerSecond.toFixed(0) : elapsed > 0 ? ((tokens / elapsed) * 1000).toFixed(0) : '—',
  };
}

/** AR total ÷ diffusion total, in words: which is faster and by how much. */
export function speedupVerdict(speedup: number): string {
  return speedup >= 1 ? `diffusion ${speedup.toFixed(2)}× faster` : `diffusion ${(1 / speedup).toFixed(2)}× slower`;
}

/** AR total ÷ block-diffusion total, once both have finished; else null. */
export function blockSpeedup(sides: Pick<Sides, 'autoregressive' | 'block_diffusion'>): number | null {
  const ar = sides.autoregressive.done;
  const block = sides.block_diffusion.done;
  return ar && block ? ar.timings.totalMs / block.timings.totalMs : null;
}

/** Confidence 0..1 → a colour from pale to strong (with the number in the tooltip, so colour is not the only cue). */
export function confidenceColour(c: number): string {
  const clamped = Math.max(0, Math.min(1, c));
  return `hsl(${Math.round(30 + clamped * 170)} 70% ${Math.round(88 - clamped * 38)}%)`;
}

export interface CanvasCell {
  committed: boolean;
  blockStart: boolean; // block diffusion: the first position of a block after the first (drawn with a gap)
  background: string | null; // the confidence colour of a committed position
  title: string;
  glyph: string;
}

const glyphOf = (text: string) => (text === '<eos>' ? '∎' : text === '\n' ? '⏎' : text);

/**
 * The canvas after `shown` steps. A diffusion canvas is the whole output length; block diffusion's only the
 * blocks opened by the shown step (by the first step before any is shown), a gap between blocks.
 */
export function canvasCells(side: Side, shown: number, block = false): CanvasCell[] {
  const size = block ? (shown > 0 ? side.steps[shown - 1]!.canvas : (side.steps[0]?.canvas ?? side.grown)) : side.length;
  const cells: (Committed | null)[] = new Array<Committed | null>(size).fill(null);
  side.steps.slice(0, shown).forEach((s) => s.committed.forEach((c) => (cells[c.position] = c)));
  return cells.map((c, i) => ({
    committed: c !== null,
    blockStart: block && i > 0 && side.blockEnds.includes(i),
    background: c ? confidenceColour(c.confidence) : null,
    title: c ? `position ${i}: ${JSON.stringify(c.text)}, confidence ${c.confidence.toFixed(3)}` : `position ${i}: masked`,
    glyph: c ? glyphOf(c.text) : '·',
  }));
}
