// SHA-256 of model files, streamed (exports can be large) and remembered while the file is unchanged.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

export async function sha256OfFile(file: string): Promise<string> {
  const { size, mtimeMs } = statSync(file);
  const known = cache.get(file);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  cache.set(file, { size, mtimeMs, sha256 });
  return sha256;
}
