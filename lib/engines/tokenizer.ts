// Tokenizer from a model folder's tokenizer.json, through @huggingface/tokenizers (no hand-written tokenizer).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  encode(text: string): number[]; // no special tokens added: prompts are fed exactly as written
  decode(ids: readonly number[]): string; // special tokens skipped
  tokenText(id: number): string; // one token as shown on the canvas
}

export function createTokenizer(modelDir: string): TextTokenizer {
  const read = (name: string) => JSON.parse(readFileSync(path.join(modelDir, name), 'utf8')) as object;
  let config: object = {};
  try {
    config = read('tokenizer_config.json');
  } catch {
    config = {}; // tokenizer_config.json is optional in the HF layout
  }
  const tokenizer = new Tokenizer(read('tokenizer.json'), config);
  const pieces = new Map<number, string>(); // per-token text is asked for on every decoding step
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => (ids.length === 0 ? '' : tokenizer.decode([...ids], { skip_special_tokens: true, clean_up_tokenization_spaces: false })),
    tokenText: (id) => {
      let piece = pieces.get(id);
      if (piece === undefined) {
        piece = tokenizer.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
        pieces.set(id, piece);
      }
      return piece;
    },
  };
}
