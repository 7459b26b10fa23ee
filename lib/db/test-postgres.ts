// For tests: a throwaway PostgreSQL cluster of Debian's binaries (/usr/lib/postgresql/*/bin), on a free loopback
// port with its data in a temp folder, run as an unprivileged user when we are root (the server refuses root),
// stopped and deleted at the end. Tests skip with `postgresSkipReason()` when the binaries are absent.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';
const RUN_AS = 'nobody'; // exists on every Debian system; owns nothing else we touch

/** The newest installed server's bin folder, or null. */
export function postgresBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT).filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')) && existsSync(path.join(PG_ROOT, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(PG_ROOT, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresSkipReason(): string | null {
  return postgresBinDir() ? null : `PostgreSQL server binaries not found under ${PG_ROOT}/*/bin (apt-get install -y postgresql): PostgreSQL tests skipped`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestPostgres {
  /** A new empty database's URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresSkipReason()!);
  const root = mkdtempSync(path.join(os.tmpdir(), 'dlm-pg-'));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', RUN_AS], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', RUN_AS], { encoding: 'utf8' }));
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
  }
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? ['runuser', '-u', RUN_AS, '--', path.join(bin, tool), ...args] : [path.join(bin, tool), ...args];
    execFileSync(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let count = 0;
  return {
    async createDatabase() {
      const name = `dlm_test_${process.pid}_${++count}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
