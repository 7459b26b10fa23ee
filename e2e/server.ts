// A dashboard server of a test's own: `next start` on a free loopback port against a throwaway database, with
// the environment the test needs (DLM_TOKEN, rate limits). It can be killed with SIGKILL and started again on
// the same database, as a crash would leave it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export class TestServer {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'dlm-e2e-server-'));
  readonly databaseUrl = `file:${path.join(this.dir, 'test.db')}`;
  url = '';
  log = '';
  private child: ChildProcess | null = null;

  constructor(private readonly env: Record<string, string> = {}) {}

  /** Starts the server (again, after a kill) and waits until it answers. */
  async start(): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    // Its own process group, so a kill reaches every process `next start` runs.
    this.child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
      env: { ...process.env, DATABASE_URL: this.databaseUrl, DLM_TOKEN: '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (chunk) => (this.log += String(chunk)));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`next start exited (${this.child.exitCode}):\n${this.log}`);
      const ok = await fetch(`${this.url}/api/experiments?pageSize=1`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`next start did not answer within 60 s:\n${this.log}`);
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What a crash does: SIGKILL to the whole process group, nothing gets to clean up. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, signal);
    await exited;
    this.child = null;
  }
}
