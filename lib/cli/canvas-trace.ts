// Text rendering of the diffusion canvas for `--trace`: masks as "·", <eos> as "∎", newlines as "↵".
import type { CommittedToken } from '../engines/types.ts';

export function createCanvasTrace(length: number, eosText = '') {
  const cells = new Array<string>(length).fill('·');
  return (step: number, committed: readonly CommittedToken[]): string => {
    for (const c of committed) cells[c.position] = c.text === eosText || c.text === '<eos>' ? '∎' : c.text === '\n' ? '↵' : c.text;
    return `step ${String(step).padStart(3)} │${cells.join('')}│ +${committed.length}`;
  };
}
