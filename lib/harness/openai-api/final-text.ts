// The text a client may be sent so far, given the output's final token prefix: the whole prefix decoded
// together (so multi-token characters come out whole), cut at the first stop string, and holding back any
// tail that could still become a stop string or is an unfinished UTF-8 character.

/** Where the first stop string starts in `text` (the earliest; the longest there), or null. */
export function firstStop(text: string, stops: readonly string[]): { index: number; stop: string } | null {
  let best: { index: number; stop: string } | null = null;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index >= 0 && (!best || index < best.index || (index === best.index && stop.length > best.stop.length))) best = { index, stop };
  }
  return best;
}

/** How many characters at the end of `text` are the start of some stop string (and so cannot be sent yet). */
export function stopPrefixLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

export interface FinalTextUpdate {
  delta: string; // new text to send
  stopped: boolean; // a stop string matched: the output is complete, nothing after it is sent
}

export interface FinalText {
  /** The output's final tokens so far (a growing prefix); `done` once no token will follow. */
  update(ids: readonly number[], done: boolean): FinalTextUpdate;
  readonly text: string; // everything sent so far
  readonly stopped: boolean;
  readonly tokens: number; // output tokens up to the end of the text (through the stop string when one matched)
}

export function createFinalText(decode: (ids: readonly number[]) => string, stops: readonly string[]): FinalText {
  let sent = '';
  let stopped = false;
  let tokens = 0;
  return {
    update(ids, done) {
      if (stopped) return { delta: '', stopped };
      const full = decode(ids);
      const stop = firstStop(full, stops);
      let end: number;
      if (stop) {
        end = stop.index;
        stopped = true;
        const through = stop.index + stop.stop.length;
        tokens = ids.length;
        while (tokens > 1 && decode(ids.slice(0, tokens - 1)).length >= through) tokens--;
      } else {
        end = done ? full.length : full.length - stopPrefixLength(full, stops);
        if (!done) while (end > 0 && full[end - 1] === '\uFFFD') end--; // an unfinished character
        tokens = ids.length;
      }
      const delta = end > sent.length && full.startsWith(sent) ? full.slice(sent.length, end) : '';
      sent += delta;
      return { delta, stopped };
    },
    get text() {
      return sent;
    },
    get stopped() {
      return stopped;
    },
    get tokens() {
      return tokens;
    },
  };
}
