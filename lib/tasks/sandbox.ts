// Runs untrusted JavaScript completions against their tests. It is a set of layers, each tested alone
// (sandbox*.test.ts); it is NOT a security boundary to rely on for arbitrary hostile code on a machine
// you care about (see the README's "Code sandbox" section for what it does and does not guarantee).
//  1. Process: a separate Node process per batch with the permission model on and nothing granted (no fs,
//     child processes, workers or addons), an empty environment, a capped heap, no code generation from
//     strings and frozen intrinsics (sandbox-child.ts has the language layer inside it).
//  2. OS, where available (sandbox-os.ts): no network interfaces, user nobody, address-space and CPU caps.
//  3. Result channel: signed lines on fd 3 (key per child, sent on stdin); anything else stops the child.
//  4. Deadlines: for start-up, per item, for the batch and after the last result; then the child's whole
//     process group is killed, and the parent never waits on a child without a timer.
// If a child dies or is stopped mid-batch, the item it was running fails and the rest are retried in a
// fresh child, so one bad item never fails the others.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SANDBOX_CHILD_SOURCE } from './sandbox-child.ts';
import { type OsLayer, osLayerPlan } from './sandbox-os.ts';

export interface SandboxItem {
  completion: string; // a JavaScript expression evaluating to the candidate function
  test: string; // JavaScript source defining `function check(candidate)`, which throws on failure
}

export interface SandboxResult {
  passed: boolean;
  error?: string;
}

export interface SandboxOptions {
  /** Time budget per item inside the child, enforced with vm timeouts (default 1000 ms). */
  timeoutMs?: number;
  /** Parent-side wall-clock limit per item before the child is killed (default timeoutMs + 2000 ms). */
  itemWallClockMs?: number;
  /** Parent-side limit for the child to start and read its input (default 10 s). */
  startupMs?: number;
  /** Parent-side limit for one child's whole batch (default: startup + items × item wall clock). */
  batchDeadlineMs?: number;
  /** How long a child may linger after its last result before its process group is killed (default 1 s). */
  exitGraceMs?: number;
  /** Cap on what one child writes to its result channel and stderr (default 1 MiB). */
  maxOutputBytes?: number;
  /** Heap cap for the child, in MiB (default 256). */
  maxHeapMb?: number;
  /** Address-space cap for the child (OS layer), in MiB: covers ArrayBuffers outside the heap (default 1536). */
  maxAddressSpaceMb?: number;
  /** Called with each child's pid (its process group id) as it starts, for monitoring. */
  onChildStart?: (pid: number) => void;
}

type Settings = Required<Omit<SandboxOptions, 'batchDeadlineMs' | 'onChildStart'>> & Pick<SandboxOptions, 'batchDeadlineMs' | 'onChildStart'>;

const MAX_ERROR_CHARS = 300;
const RESULT_FD = 3;

/** `--permission` from Node 22.13 / 23.5 (where it replaced the experimental flag), before that `--experimental-permission`. */
export function permissionFlag(nodeVersion: string = process.versions.node): string {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  const stable = major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

/** The child's Node flags: permission model with no grants, no code generation from strings, frozen intrinsics. */
export function sandboxNodeArgs(program: string, maxHeapMb = 256): string[] {
  return [
    permissionFlag(),
    '--disallow-code-generation-from-strings',
    '--frozen-intrinsics',
    '--no-warnings',
    `--max-old-space-size=${maxHeapMb}`,
    '-e',
    program,
  ];
}

export interface SandboxLayers {
  active: string[];
  missing: string[];
}

const ALWAYS_ON = [
  'separate process with the permission model',
  'language layer (vm realms, data-only bridge, no code generation)',
  'signed result channel',
  'deadlines with process-group kill',
];

/** Which layers hold on this machine; the OS layers are probed once per process. */
export async function sandboxLayers(): Promise<SandboxLayers> {
  const plan = osLayerPlan();
  return { active: [...ALWAYS_ON, ...plan.active], missing: plan.missing.map((m) => `${m.layer} (${m.why})`) };
}

let warned = false;
/** One line on stderr, the first time a batch runs without some OS layer. */
function warnOnce(missing: { layer: OsLayer; why: string }[]): void {
  if (warned || missing.length === 0) return;
  warned = true;
  console.warn(`warning DLM_SANDBOX: code sandbox runs without: ${missing.map((m) => `${m.layer} (${m.why})`).join('; ')}; the other layers still hold`);
}

/** The most telling stderr line of a dead child: V8's fatal-error line (e.g. out of memory), else the last one. */
function stderrSummary(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.find((line) => line.includes('FATAL ERROR')) ?? lines.at(-1) ?? '').slice(0, 200);
}

const sign = (key: Buffer, fields: unknown[]) => createHmac('sha256', key).update(JSON.stringify(fields)).digest();

function verified(key: Buffer, fields: unknown[], mac: unknown): boolean {
  if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(sign(key, fields), Buffer.from(mac, 'hex'));
}

interface ChildRun {
  results: SandboxResult[]; // results for a prefix of the items, in order
  ready: boolean; // whether the child got as far as reading its input
  failure?: string; // why it stopped early, if it did
}

/** Runs `items` in one child process; stops at the first item that kills, stalls or misleads the child. */
function runChild(program: string, items: readonly SandboxItem[], settings: Settings): Promise<ChildRun> {
  return new Promise((resolve) => {
    const run: ChildRun = { results: [], ready: false };
    const key = randomBytes(32);
    const plan = osLayerPlan();
    warnOnce(plan.missing);
    const batchDeadlineMs = settings.batchDeadlineMs ?? settings.startupMs + items.length * settings.itemWallClockMs;
    const { file, args } = plan.command(sandboxNodeArgs(program, settings.maxHeapMb), {
      addressSpaceMb: settings.maxAddressSpaceMb,
      cpuSeconds: Math.ceil(batchDeadlineMs / 1000) + 1,
    });
    // An empty environment (no NODE_OPTIONS can loosen the flags); its own process group, so one kill
    // reaches everything it started; stdout is not read: results come only on fd 3, signed.
    const child: ChildProcess = spawn(file, args, {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      env: {} as NodeJS.ProcessEnv,
      detached: true,
      windowsHide: true,
    });
    if (child.pid !== undefined) settings.onChildStart?.(child.pid);
    let outputBytes = 0;
    let pendingLine = '';
    let stderrTail = '';
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    let itemTimer: NodeJS.Timeout | undefined;

    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone, or this platform has none
      }
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(itemTimer);
      for (const timer of timers) clearTimeout(timer);
      killGroup(); // whatever it left behind goes with it
      resolve(run);
    };
    const stop = (reason: string) => {
      run.failure ??= reason;
      killGroup();
      // 'close' normally follows at once; if something holds the pipes open, do not wait for it.
      timers.push(setTimeout(finish, 2000));
    };
    const armItem = (ms: number, reason: string) => {
      clearTimeout(itemTimer);
      itemTimer = setTimeout(() => stop(reason), ms);
    };
    const onLine = (line: string) => {
      let message: { ready?: unknown; i?: unknown; passed?: unknown; error?: unknown; mac?: unknown };
      try {
        message = JSON.parse(line);
      } catch {
        return stop('sandbox protocol error: unreadable result line');
      }
      if (message === null || typeof message !== 'object') return stop('sandbox protocol error: unreadable result line');
      if (!run.ready) {
        if (message.ready !== true || !verified(key, ['ready'], message.mac)) return stop('sandbox protocol error: bad ready line');
        run.ready = true;
      } else {
        const error = message.error === null || typeof message.error === 'string' ? message.error : undefined;
        const expected = run.results.length;
        if (message.i !== expected || typeof message.passed !== 'boolean' || error === undefined || message.passed !== (error === null)) {
          return stop('sandbox protocol error: unexpected result line');
        }
        if (!verified(key, [expected, message.passed, error], message.mac)) return stop('sandbox protocol error: result line with a bad signature');
        run.results.push(message.passed ? { passed: true } : { passed: false, error: error ?? 'failed' });
      }
      if (run.results.length < items.length) armItem(settings.itemWallClockMs, `killed: item ran longer than ${settings.itemWallClockMs} ms wall clock`);
      else {
        clearTimeout(itemTimer);
        // Nothing more is expected: a child still alive after the grace period is killed with its group.
        timers.push(setTimeout(() => stop('lingered after its last result'), settings.exitGraceMs));
      }
    };

    armItem(settings.startupMs, `killed: sandbox did not start within ${settings.startupMs} ms`);
    timers.push(setTimeout(() => stop(`killed: batch ran longer than ${batchDeadlineMs} ms`), batchDeadlineMs));
    const count = (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > settings.maxOutputBytes) stop(`killed: sandbox output exceeded ${settings.maxOutputBytes} bytes`);
    };
    const results = child.stdio[RESULT_FD] as Readable;
    results.on('data', (chunk: Buffer) => {
      count(chunk);
      const lines = (pendingLine + chunk.toString('utf8')).split('\n');
      pendingLine = lines.pop()!;
      for (const line of lines) if (run.failure === undefined) onLine(line);
    });
    results.on('error', () => {});
    child.stderr!.on('data', (chunk: Buffer) => {
      count(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    child.stdin!.on('error', () => {}); // EPIPE when the child dies early; reported through 'close'
    child.on('error', (error) => {
      run.failure ??= `sandbox could not start: ${error.message}`;
      finish();
    });
    child.on('close', (code, signal) => {
      if (run.failure === undefined && run.results.length < items.length) {
        const detail = stderrSummary(stderrTail);
        run.failure = `sandbox process died (${signal ?? `exit code ${code}`})${detail ? `: ${detail}` : ''}`;
      }
      finish();
    });
    child.stdin!.end(JSON.stringify({ items, timeoutMs: settings.timeoutMs, maxErrorChars: MAX_ERROR_CHARS, key: key.toString('hex') }));
  });
}

/** Checks every item; results are in the same order as `items`. */
export function runInSandbox(items: readonly SandboxItem[], options: SandboxOptions = {}): Promise<SandboxResult[]> {
  return runBatch(SANDBOX_CHILD_SOURCE, items, options);
}

/** runInSandbox with the child's program as a parameter, so tests can stand in a misbehaving child. */
export async function runBatch(program: string, items: readonly SandboxItem[], options: SandboxOptions = {}): Promise<SandboxResult[]> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const settings: Settings = {
    timeoutMs,
    itemWallClockMs: options.itemWallClockMs ?? timeoutMs + 2000,
    startupMs: options.startupMs ?? 10_000,
    batchDeadlineMs: options.batchDeadlineMs,
    exitGraceMs: options.exitGraceMs ?? 1000,
    maxOutputBytes: options.maxOutputBytes ?? 1 << 20,
    maxHeapMb: options.maxHeapMb ?? 256,
    maxAddressSpaceMb: options.maxAddressSpaceMb ?? 1536,
    onChildStart: options.onChildStart,
  };
  const results: SandboxResult[] = new Array(items.length);
  let pending = items.map((_, index) => index);
  while (pending.length > 0) {
    const run = await runChild(
      program,
      pending.map((index) => items[index]!),
      settings,
    );
    run.results.forEach((result, k) => (results[pending[k]!] = result));
    const unfinished = pending.slice(run.results.length);
    if (unfinished.length === 0) break;
    const failure = { passed: false, error: run.failure ?? 'sandbox stopped early' };
    if (!run.ready) {
      // The child never got to the items (e.g. Node refused the flags): no item is to blame, all fail.
      for (const index of unfinished) results[index] = failure;
      break;
    }
    // Items run in order, so the first unfinished one is the item that was running when it stopped.
    results[unfinished[0]!] = failure;
    pending = unfinished.slice(1);
  }
  return results;
}
