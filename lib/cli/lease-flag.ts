// `--lease-seconds S` (dlm bench --queue, dlm worker): how long a claimed cell stays a worker's before it is
// taken for lost and run elsewhere. Declared once here; the default lives with the queue.
import { DEFAULT_LEASE_SECONDS } from '../harness/queue-defaults.ts';
import { type ParsedArgs, UsageError } from './args.ts';

export function leaseSecondsOf(args: ParsedArgs): number {
  const text = args.values.get('lease-seconds');
  if (text === undefined) return DEFAULT_LEASE_SECONDS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 86_400)
    throw new UsageError(`--lease-seconds must be a whole number of seconds from 1 to 86400, got "${text}"`);
  return value;
}
