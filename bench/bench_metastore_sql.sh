# The SQL the sqlite3 shell runs in bench/bench_metastore.sh: the same reads
# and writes jobop's commands make, done as set-based statements (the fastest
# the shell can do), with jobop's connection settings. Sourced, not run.

# jobop's connection settings for writes (WAL, a reported success is on disk,
# a busy timeout), so that both sides pay for the same durability.
pragmas_sql="PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;"

# Now in the Go layout of SPEC §1 (the shell has millisecond precision).
now_sql="(strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00')"

# A job row as status prints it (everything but the config blob).
job_columns_sql="m.id, m.project_id, m.type, m.state, m.node_id, m.address, m.epoch,
  m.error_message, m.created_at, m.updated_at"

# status: every live job with its op, then every op whose job is gone (no row
# or soft-deleted), marked as an orphan.
status_sql="SELECT $job_columns_sql, o.op, o.created_at AS op_created_at,
    o.updated_at AS op_updated_at, 0 AS orphan
  FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id
  WHERE m.deleted IS NULL
UNION ALL
SELECT o.job_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    o.op, o.created_at, o.updated_at, 1
  FROM job_ops o
  WHERE NOT EXISTS (SELECT 1 FROM master_meta m WHERE m.id = o.job_id AND m.deleted IS NULL)"

# tick with router none, in one IMMEDIATE transaction: read every Canceling
# op with its job (the result items), orphans -> Noop, terminated -> Canceled;
# running jobs get a message only from a real router, so nothing is written.
tick_sql="BEGIN IMMEDIATE;
SELECT o.job_id, o.op, m.state, m.epoch, m.node_id, m.address
  FROM job_ops o LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL
  WHERE o.op = 2;
UPDATE job_ops SET op = 1, updated_at = $now_sql
  WHERE op = 2 AND NOT EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = job_ops.job_id AND m.deleted IS NULL);
UPDATE job_ops SET op = 3, updated_at = $now_sql
  WHERE op = 2 AND EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = job_ops.job_id AND m.deleted IS NULL
      AND m.state IN (3, 4, 5));
COMMIT;"

# Bulk cancel: the ids come in through a temporary table (.import of the same
# file jobop reads on stdin).
cancel_import_sql="CREATE TEMP TABLE cancel_ids (id TEXT);"

# The user-facing cancel of every id in one IMMEDIATE transaction: read each
# job with its op (existence, terminated or not: the record printed), then
# insert-or-update its op to Canceling unless it is terminated, Canceling
# already (idempotent) or Canceled.
cancel_sql="BEGIN IMMEDIATE;
SELECT $job_columns_sql, o.op
  FROM cancel_ids c LEFT JOIN master_meta m ON m.id = c.id AND m.deleted IS NULL
  LEFT JOIN job_ops o ON o.job_id = c.id;
INSERT INTO job_ops (created_at, updated_at, op, job_id)
  SELECT $now_sql, $now_sql, 2, m.id
  FROM cancel_ids c JOIN master_meta m ON m.id = c.id
  WHERE m.deleted IS NULL AND m.state IN (1, 2)
  ON CONFLICT (job_id) DO UPDATE SET op = 2, updated_at = excluded.updated_at
    WHERE job_ops.op = 1;
COMMIT;"

# The same for one id, as one sqlite3 process would do it.
single_cancel_sql() {
  local id=${1//\'/\'\'}
  echo "BEGIN IMMEDIATE;
SELECT $job_columns_sql, o.op
  FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id
  WHERE m.id = '$id' AND m.deleted IS NULL;
INSERT INTO job_ops (created_at, updated_at, op, job_id)
  SELECT $now_sql, $now_sql, 2, m.id FROM master_meta m
  WHERE m.id = '$id' AND m.deleted IS NULL AND m.state IN (1, 2)
  ON CONFLICT (job_id) DO UPDATE SET op = 2, updated_at = excluded.updated_at
    WHERE job_ops.op = 1;
COMMIT;"
}

# What a write workload leaves behind, compared between the two sides.
ops_summary_sql="SELECT op, count(*) FROM job_ops GROUP BY op ORDER BY op;"

# Ids to cancel: live user jobs (not the JobManager) with no op yet, spread
# over the table; add LIMIT/OFFSET to take disjoint sets.
pick_cancel_ids_sql="SELECT m.id FROM master_meta m
  WHERE m.state IN (1, 2) AND m.deleted IS NULL AND m.type <> 1
    AND NOT EXISTS (SELECT 1 FROM job_ops o WHERE o.job_id = m.id)
  ORDER BY m.seq_id * 7 % 1000003, m.seq_id"
