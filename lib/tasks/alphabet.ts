// The models use a character-level tokenizer (one token per character), so every prompt and answer
// must stay inside its alphabet: "\n" plus printable ASCII (code points 32..126).

const NEWLINE = 10;
const FIRST_PRINTABLE = 32;
const LAST_PRINTABLE = 126;

/** Index of the first character outside the token alphabet, or -1 when the whole string is inside it. */
export function firstNonTokenChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== NEWLINE && (code < FIRST_PRINTABLE || code > LAST_PRINTABLE)) return i;
  }
  return -1;
}

export function isTokenText(text: string): boolean {
  return firstNonTokenChar(text) === -1;
}

/** Throws when `text` contains a character the tokenizer cannot encode; `what` names it in the message. */
export function assertTokenText(text: string, what = 'text'): void {
  const at = firstNonTokenChar(text);
  if (at >= 0) {
    const code = text.charCodeAt(at);
    throw new Error(`${what} has a character outside the token alphabet at index ${at} (code ${code})`);
  }
}
