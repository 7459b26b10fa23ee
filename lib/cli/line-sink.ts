// Writes text lines to a file or stdout in ~64 KiB chunks, waiting for 'drain' so that huge outputs
// stream with bounded memory. A closed stdout pipe (e.g. `| head`) ends the output quietly.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

const CHUNK_CHARS = 1 << 16;

export interface LineSink {
  /** False once the reader has gone away (stdout pipe closed); callers may stop producing. */
  readonly open: boolean;
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the sink; for a file, fails right away (before any work is done) if it cannot be created. */
export async function openLineSink(path?: string): Promise<LineSink> {
  const stream: Writable = path === undefined ? process.stdout : createWriteStream(path);
  if (path !== undefined) await once(stream, 'open');
  let buffer = '';
  let open = true;
  let failure: Error | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    open = false;
    if (!(path === undefined && error.code === 'EPIPE')) failure = error;
  });
  const throwIfFailed = () => {
    if (failure) throw failure;
  };
  const flush = async () => {
    const chunk = buffer;
    buffer = '';
    if (!open || chunk === '') return;
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done).on('error', done).on('close', done);
      });
    }
    throwIfFailed();
  };
  return {
    get open() {
      return open;
    },
    async write(line) {
      throwIfFailed();
      buffer += line + '\n';
      if (buffer.length >= CHUNK_CHARS) await flush();
    },
    async close() {
      await flush();
      if (path !== undefined) {
        stream.end();
        await finished(stream);
      }
    },
  };
}
