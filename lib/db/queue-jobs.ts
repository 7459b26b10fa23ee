// The cell queue's name and its job table (pg-boss's, schema `pgboss`) as plain SQL, for what reads it without
// loading pg-boss: crash recovery at every database open, and the queue itself (lib/db/cell-queue.ts).
export const CELL_QUEUE = 'dlm_sweep_cells';

/** A job of the experiment `experimentIdSql` still waiting or being run (pg-boss states before `completed`); $1 is the queue's name. */
export const pendingJobOf = (experimentIdSql: string) =>
  `SELECT 1 FROM pgboss.job j WHERE j.name = $1 AND j.state < 'completed' AND j.data->>'experimentId' = ${experimentIdSql}`;

/** The cell keys of experiment $2 waiting or being run in queue $1. */
export const PENDING_CELL_KEYS_SQL = `SELECT data->>'cellKey' AS key FROM pgboss.job WHERE name = $1 AND state < 'completed' AND data->>'experimentId' = $2`;
