// Text rendering of the diffusion canvas for `--trace`: masks as "·", <eos> as "∎", newlines as "↵".
import { CANVAS_MASK, canvasGlyph } from '../engines/canvas-glyphs.ts';
import type { CommittedToken } from '../engines/types.ts';

export function createCanvasTrace(length: number, eosText = '') {
  const cells = new Array<string>(length).fill(CANVAS_MASK);
  // `shown`: block diffusion's canvas grows one block at a time; only the blocks opened so far are drawn.
  return (step: number, committed: readonly CommittedToken[], shown = length): string => {
    for (const c of committed) cells[c.position] = canvasGlyph(c.text, eosText);
    return `step ${String(step).padStart(3)} │${cells.slice(0, shown).join('')}│ +${committed.length}`;
  };
}
