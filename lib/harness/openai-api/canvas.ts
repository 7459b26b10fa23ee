// A diffusion decode as a client sees it: the whole canvas after every step (masks as a placeholder), and
// the longest committed prefix, which is final since committed tokens are never re-masked.
import { CANVAS_EOS, CANVAS_MASK } from '../../engines/canvas-glyphs.ts';
import type { CommittedToken } from '../../engines/types.ts';

export interface Canvas {
  /** The decode's start event: `length` positions (block diffusion reveals them one block at a time). */
  start(length: number, revealed: number): void;
  reveal(end: number): void; // block diffusion: the canvas now shows positions below `end`
  commit(committed: readonly Pick<CommittedToken, 'position' | 'tokenId' | 'text'>[]): void;
  /** The committed prefix's token ids, stopping at the first mask or <eos> and at `cap` tokens. */
  finalIds(cap: number | null): number[];
  render(): string;
}

export function createCanvas(eosTokenId: number): Canvas {
  let ids: (number | null)[] = [];
  let texts: string[] = [];
  let revealed = 0;
  const prefixEnd = () => {
    let end = 0;
    while (end < ids.length && ids[end] !== null && ids[end] !== eosTokenId) end++;
    return end;
  };
  return {
    start(length, shown) {
      ids = new Array<number | null>(length).fill(null);
      texts = new Array<string>(length).fill(CANVAS_MASK);
      revealed = shown;
    },
    reveal(end) {
      revealed = Math.max(revealed, Math.min(end, ids.length));
    },
    commit(committed) {
      for (const c of committed) {
        ids[c.position] = c.tokenId;
        texts[c.position] = c.tokenId === eosTokenId ? CANVAS_EOS : c.text;
      }
    },
    finalIds(cap) {
      const end = prefixEnd();
      return ids.slice(0, cap === null ? end : Math.min(end, cap)) as number[];
    },
    render: () => texts.slice(0, revealed).join(''),
  };
}
