// Which process runs an experiment, written so that another process can later tell whether it still lives:
// host, boot id, pid and the pid's start time (a pid reused after a crash or a reboot has a different start
// time or boot id). Used to tell an experiment left `running` by a crashed process from one still running.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface ProcessIdentity {
  host: string;
  boot: string | null; // Linux boot id; null elsewhere
  pid: number;
  start: string | null; // the pid's start time in clock ticks since boot (Linux); null elsewhere
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const bootId = () => readOrNull('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its closing ")". */
export function startTicksFromStat(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

const startTicks = (pid: number) => {
  const stat = readOrNull(`/proc/${pid}/stat`);
  return stat === null ? null : startTicksFromStat(stat);
};

export function currentProcess(): ProcessIdentity {
  return { host: os.hostname(), boot: bootId(), pid: process.pid, start: startTicks(process.pid) };
}

export const formatOwner = (p: ProcessIdentity) => JSON.stringify(p);

export function parseOwner(text: string | null): ProcessIdentity | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof value.host !== 'string' || typeof value.pid !== 'number') return null;
    return { host: value.host, boot: value.boot ?? null, pid: value.pid, start: value.start ?? null };
  } catch {
    return null;
  }
}

export interface Probe {
  here: ProcessIdentity;
  pidAlive: (pid: number) => boolean;
  startOf: (pid: number) => string | null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

const liveProbe = (): Probe => ({ here: currentProcess(), pidAlive, startOf: startTicks });

/**
 * Whether the process named by `owner` may still be running. Unknown owners (rows from before owners were
 * recorded) are gone; an owner on another host cannot be checked from here and counts as alive.
 */
export function ownerAlive(owner: string | null, probe: Probe = liveProbe()): boolean {
  const o = parseOwner(owner);
  if (!o) return false;
  if (o.host !== probe.here.host) return true;
  if (o.boot && probe.here.boot && o.boot !== probe.here.boot) return false; // the machine restarted since
  if (!probe.pidAlive(o.pid)) return false;
  if (o.start === null) return true;
  return probe.startOf(o.pid) === o.start; // same pid, other start time: the pid was reused
}
