// Tokenizer from a model folder's tokenizer.json, through @huggingface/tokenizers (no hand-written tokenizer):
// byte-level BPE (Llama 3, Qwen, GPT-2), SentencePiece-style BPE with byte fallback (Llama 2, Mistral) and the
// bundled character-level vocabulary alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  encode(text: string): number[]; // no special tokens added: counts text exactly as written
  encodePrompt(text: string): number[]; // a prompt: the tokenizer's own specials (Llama 3's BOS) added, unless the text already starts with a special token (a rendered chat template)
  decode(ids: readonly number[]): string; // special tokens skipped
  tokenText(id: number): string; // one token as shown on the canvas
}

interface TokenizerJson {
  added_tokens?: { content: string; special?: boolean }[];
}

export function createTokenizer(modelDir: string): TextTokenizer {
  const read = (name: string) => JSON.parse(readFileSync(path.join(modelDir, name), 'utf8')) as object;
  let config: object = {};
  try {
    config = read('tokenizer_config.json');
  } catch {
    config = {}; // tokenizer_config.json is optional in the HF layout
  }
  const json = read('tokenizer.json') as TokenizerJson;
  const tokenizer = new Tokenizer(json, config);
  const specials = (json.added_tokens ?? []).filter((t) => t.special && t.content.length > 0).map((t) => t.content);
  const pieces = new Map<number, string>(); // per-token text is asked for on every decoding step
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    encodePrompt: (text) => tokenizer.encode(text, { add_special_tokens: !specials.some((s) => text.startsWith(s)) }).ids,
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

/** Turns streamed token ids into text deltas that join to the decoded whole. A token's text can depend on its
 * neighbours (SentencePiece's leading space) and a byte-level or byte-fallback token can end mid-character, so
 * each delta decodes a short window of recent tokens and is held back while it ends in U+FFFD. */
export function createStreamDecoder(tokenizer: Pick<TextTokenizer, 'decode'>): { push(id: number): string; flush(): string } {
  const ids: number[] = [];
  let prefixStart = 0; // the window's first token: context for the next delta
  let readStart = 0; // tokens before this are already emitted
  const advance = (final: boolean): string => {
    const before = tokenizer.decode(ids.slice(prefixStart, readStart));
    const after = tokenizer.decode(ids.slice(prefixStart));
    if (after.length <= before.length || (!final && after.endsWith('\uFFFD'))) return '';
    prefixStart = readStart;
    readStart = ids.length;
    return after.slice(before.length);
  };
  return {
    push: (id) => {
      ids.push(id);
      return advance(false);
    },
    flush: () => advance(true),
  };
}
