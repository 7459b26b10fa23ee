// Runs untrusted JavaScript completions against their tests, isolated three ways:
//  1. a separate Node process with the permission model on and NOTHING granted (no fs read/write,
//     no child processes, no workers, no addons), an empty environment and a capped heap;
//  2. inside it, every item runs in fresh `node:vm` contexts exposing only JavaScript built-ins (no
//     require, process, fetch or console; the permission model alone would not block the network),
//     with string/wasm code generation off and a per-item time budget;
//  3. the parent watches the child: it SIGKILLs it when an item overruns its wall-clock limit or the
//     output grows past a cap.
// One child runs a whole batch. If it dies mid-batch, the item it was running is reported failed and
// the remaining items are retried in a fresh child, so one bad item never fails the others.
import { spawn } from 'node:child_process';
import { SANDBOX_CHILD_SOURCE } from './sandbox-child.ts';

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
  /** Cap on the child's stdout per batch (default 1 MiB). */
  maxOutputBytes?: number;
  /** Heap cap for the child, in MiB (default 256). */
  maxHeapMb?: number;
}

const MAX_ERROR_CHARS = 300;

/** `--permission` from Node 22.13 / 23.5 (where it replaced the experimental flag), before that `--experimental-permission`. */
export function permissionFlag(nodeVersion: string = process.versions.node): string {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  const stable = major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

/** The most telling stderr line of a dead child: V8's fatal-error line (e.g. out of memory), else the last one. */
function stderrSummary(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  return (lines.find((line) => line.includes('FATAL ERROR')) ?? lines.at(-1) ?? '').slice(0, 200);
}

/** The child's command line: permission model on with no grants, so fs, child processes, workers and addons are denied. */
export function sandboxNodeArgs(program: string, maxHeapMb = 256): string[] {
  return [permissionFlag(), '--no-warnings', `--max-old-space-size=${maxHeapMb}`, '-e', program];
}

interface ChildRun {
  results: SandboxResult[]; // results for a prefix of the items, in order
  ready: boolean; // whether the child got as far as reading its input
  failure?: string; // why it stopped early, if it did
}

/** Runs `items` in one child process; stops at the first item that kills or stalls the child. */
function runChild(items: readonly SandboxItem[], options: Required<SandboxOptions>): Promise<ChildRun> {
  return new Promise((resolve) => {
    const run: ChildRun = { results: [], ready: false };
    // An empty environment: nothing leaks in, and no NODE_OPTIONS can loosen the flags.
    const child = spawn(process.execPath, sandboxNodeArgs(SANDBOX_CHILD_SOURCE, options.maxHeapMb), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {} as NodeJS.ProcessEnv,
      windowsHide: true,
    });
    let outputBytes = 0;
    let pendingLine = '';
    let stderrTail = '';
    let watchdog: NodeJS.Timeout | undefined;

    const stop = (reason: string) => {
      run.failure ??= reason;
      child.kill('SIGKILL');
    };
    const arm = (ms: number, reason: string) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => stop(reason), ms);
    };
    const onLine = (line: string) => {
      let message: { ready?: unknown; i?: unknown; passed?: unknown; error?: unknown };
      try {
        message = JSON.parse(line);
      } catch {
        return stop('sandbox protocol error: unreadable output line');
      }
      if (!run.ready) {
        if (message.ready !== true) return stop('sandbox protocol error: missing ready line');
        run.ready = true;
      } else {
        if (message.i !== run.results.length || typeof message.passed !== 'boolean') return stop('sandbox protocol error: unexpected result line');
        run.results.push(message.passed ? { passed: true } : { passed: false, error: typeof message.error === 'string' ? message.error : 'failed' });
      }
      if (run.results.length < items.length) arm(options.itemWallClockMs, `killed: item ran longer than ${options.itemWallClockMs} ms wall clock`);
      else clearTimeout(watchdog);
    };

    arm(options.startupMs, `killed: sandbox did not start within ${options.startupMs} ms`);
    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > options.maxOutputBytes) return stop(`killed: sandbox output exceeded ${options.maxOutputBytes} bytes`);
      const lines = (pendingLine + chunk.toString('utf8')).split('\n');
      pendingLine = lines.pop()!;
      for (const line of lines) if (run.failure === undefined) onLine(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    child.stdin.on('error', () => {}); // EPIPE when the child dies early; reported through 'close'
    child.on('error', (error) => {
      run.failure ??= `sandbox could not start: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (run.failure === undefined && run.results.length < items.length) {
        const detail = stderrSummary(stderrTail);
        run.failure = `sandbox process died (${signal ?? `exit code ${code}`})${detail ? `: ${detail}` : ''}`;
      }
      resolve(run);
    });
    child.stdin.end(JSON.stringify({ items, timeoutMs: options.timeoutMs, maxErrorChars: MAX_ERROR_CHARS }));
  });
}

/** Checks every item; results are in the same order as `items`. */
export async function runInSandbox(items: readonly SandboxItem[], options: SandboxOptions = {}): Promise<SandboxResult[]> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const settings: Required<SandboxOptions> = {
    timeoutMs,
    itemWallClockMs: options.itemWallClockMs ?? timeoutMs + 2000,
    startupMs: options.startupMs ?? 10_000,
    maxOutputBytes: options.maxOutputBytes ?? 1 << 20,
    maxHeapMb: options.maxHeapMb ?? 256,
  };
  const results: SandboxResult[] = new Array(items.length);
  let pending = items.map((_, index) => index);
  while (pending.length > 0) {
    const run = await runChild(pending.map((index) => items[index]!), settings);
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
