// How a diffusion canvas is drawn as text everywhere (CLI --trace, the API's streamed canvas, the playground):
// a still-masked position, a committed <eos> and a committed newline each have one glyph.
export const CANVAS_MASK = '·';
export const CANVAS_EOS = '∎';
export const CANVAS_NEWLINE = '↵';

/** The glyph of a committed token's text (`eosText`: the tokenizer's text of <eos>, drawn as CANVAS_EOS). */
export function canvasGlyph(text: string, eosText = '<eos>'): string {
  return text === eosText || text === '<eos>' ? CANVAS_EOS : text === '\n' ? CANVAS_NEWLINE : text;
}
