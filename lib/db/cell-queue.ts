// The queue of sweep cells waiting for workers: pg-boss (a job queue kept in PostgreSQL tables, claimed with
// SELECT … FOR UPDATE SKIP LOCKED) in the same database as the runs. One job per cell; a claimed job that is
// neither completed nor released within its lease (the worker died) is failed by pg-boss's maintenance and
// retried, i.e. claimed again by another worker. The runs' unique (experiment, cell key) makes the store
// exactly-once even when a lease runs out under a worker that stalled and two of them ran the same cell.
import PgBoss from 'pg-boss';
import { UserError } from '../user-error.ts';
import { databaseLocation } from './location.ts';
import { CELL_QUEUE, PENDING_CELL_KEYS_SQL } from './queue-jobs.ts';

export { CELL_QUEUE };
const RETRY_LIMIT = 5; // claims of one cell (leases that ran out, releases, errors) before it rests as failed

export interface CellJob {
  id: string;
  experimentId: string;
  cellKey: string;
}

export class QueueNeedsPostgresError extends UserError {
  constructor() {
    super('queued sweeps and workers need a shared PostgreSQL database: set DATABASE_URL=postgresql://user:password@host:port/database');
  }
}

/** The database URL the queue lives in (the same PostgreSQL database as the runs). */
export function queueDatabaseUrl(): string {
  const location = databaseLocation();
  if (location.provider !== 'postgresql') throw new QueueNeedsPostgresError();
  return location.url;
}

export interface CellQueue {
  enqueue(experimentId: string, cellKeys: readonly string[], leaseSeconds: number): Promise<void>;
  /** Cell keys of the experiment still waiting or being run. */
  pendingCellKeys(experimentId: string): Promise<Set<string>>;
  /** Claims the next cell for `leaseSeconds`, or null when none is waiting. */
  claim(leaseSeconds: number): Promise<CellJob | null>;
  /** Renews the lease of a cell still being run (the worker's heartbeat): only a silent worker loses its cell. */
  renew(job: CellJob): Promise<void>;
  done(job: CellJob): Promise<void>;
  /** Gives the cell back (stopped, or it failed here): it is claimed again at once, by anyone. */
  release(job: CellJob, reason: string): Promise<void>;
  /** Cells waiting or running, over every experiment. */
  outstanding(): Promise<number>;
  stop(): Promise<void>;
}

/** Connects (installing pg-boss's tables on first use). Maintenance, which expires dead leases, runs every `maintenanceSeconds`. */
export async function openCellQueue(url: string, options: { maintenanceSeconds?: number } = {}): Promise<CellQueue> {
  const boss = new PgBoss({
    connectionString: url,
    max: 2,
    schedule: false, // no cron jobs here
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceSeconds ?? 30,
  });
  boss.on('error', (error: Error) => process.stderr.write(`queue: ${error.message}\n`));
  await boss.start();
  if (!(await boss.getQueue(CELL_QUEUE)))
    await boss.createQueue(CELL_QUEUE, { name: CELL_QUEUE, retryLimit: RETRY_LIMIT, retryDelay: 0 }).catch(() => undefined); // a racing worker may create it first
  const db = boss.getDb();
  return {
    async enqueue(experimentId, cellKeys, leaseSeconds) {
      for (let i = 0; i < cellKeys.length; i += 500) {
        await boss.insert(
          cellKeys
            .slice(i, i + 500)
            .map((cellKey) => ({ name: CELL_QUEUE, data: { experimentId, cellKey }, expireInSeconds: leaseSeconds, retryLimit: RETRY_LIMIT })),
        );
      }
    },
    async pendingCellKeys(experimentId) {
      const { rows } = (await db.executeSql(PENDING_CELL_KEYS_SQL, [CELL_QUEUE, experimentId])) as { rows: { key: string }[] };
      return new Set(rows.map((r) => r.key));
    },
    async claim(leaseSeconds) {
      const [job] = await boss.fetch<{ experimentId: string; cellKey: string }>(CELL_QUEUE, { batchSize: 1 });
      if (!job) return null;
      // The lease is this worker's (--lease-seconds), whatever the job was enqueued with.
      await db.executeSql(`UPDATE pgboss.job SET expire_in = $2::numeric * interval '1s' WHERE name = $3 AND id = $1`, [job.id, leaseSeconds, CELL_QUEUE]);
      return { id: job.id, experimentId: job.data.experimentId, cellKey: job.data.cellKey };
    },
    async renew(job) {
      // pg-boss expires an active job once started_on + expire_in has passed; moving started_on extends the lease.
      await db.executeSql(`UPDATE pgboss.job SET started_on = now() WHERE name = $2 AND id = $1 AND state = 'active'`, [job.id, CELL_QUEUE]);
    },
    async done(job) {
      await boss.complete(CELL_QUEUE, job.id);
    },
    async release(job, reason) {
      await boss.fail(CELL_QUEUE, job.id, { reason });
    },
    async outstanding() {
      return (await boss.getQueueSize(CELL_QUEUE, { before: 'completed' })) ?? 0;
    },
    async stop() {
      await boss.stop({ graceful: false, wait: true, timeout: 1000 });
    },
  };
}
