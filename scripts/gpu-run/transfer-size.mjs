// What a device call sends: the git working tree (tracked files and untracked files git does not ignore,
// plus shared/ where there is one) and the carried paths, at most 64 MiB together.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const TRANSFER_LIMIT = 64 * 1024 * 1024;

function gitFiles(root, extra) {
  const out = execFileSync('git', ['ls-files', '-z', ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\0').filter(Boolean);
}

/** Bytes of a file or, recursively, a folder; links count as themselves (they travel as links). */
export function pathBytes(file) {
  if (!existsSync(file)) return 0;
  const stat = lstatSync(file);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(file).reduce((sum, name) => sum + pathBytes(path.join(file, name)), 0);
}

/** Sizes of each part of the transfer for a call that carries `carried` (paths relative to root). */
export function transferSizes(root, carried) {
  // shared/ travels whole, so its files are counted once, with it.
  const sum = (files) => files.filter((f) => !f.startsWith('shared/')).reduce((total, f) => total + pathBytes(path.join(root, f)), 0);
  const tracked = sum(gitFiles(root, []));
  const untracked = sum(gitFiles(root, ['--others', '--exclude-standard']));
  const shared = pathBytes(path.join(root, 'shared'));
  const carry = sum(carried);
  return { tracked, untracked, shared, carried: carry, total: tracked + untracked + shared + carry };
}

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
