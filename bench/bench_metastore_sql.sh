# shellcheck shell=bash
# Every variable here is used by bench_metastore.sh, which sources this file.
# shellcheck disable=SC2034
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

# status: every live job with its op (and outbox row, when jobop's outbox
# table exists), by seq_id, then every op whose job is gone (no row or
# soft-deleted), marked as an orphan. Sets `status_sql`; `$1`: 1 if the
# outbox table exists.
define_status_sql() {
  local outbox_columns="" outbox_join="" outbox_nulls=""
  if [ "$1" = 1 ]; then
    outbox_columns=", b.epoch AS sent_epoch, b.send_count, b.first_sent, b.last_sent"
    outbox_join="LEFT JOIN jobop_outbox b ON b.job_id = m.id"
    outbox_nulls=", NULL, NULL, NULL, NULL"
  fi
  status_sql="SELECT $job_columns_sql, o.op, o.created_at AS op_created_at,
    o.updated_at AS op_updated_at$outbox_columns, 0 AS orphan
  FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id $outbox_join
  WHERE m.deleted IS NULL
UNION ALL
SELECT o.job_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    o.op, o.created_at, o.updated_at$outbox_nulls, 1
  FROM job_ops o
  WHERE NOT EXISTS (SELECT 1 FROM master_meta m WHERE m.id = o.job_id AND m.deleted IS NULL)"
}

# tick, in one IMMEDIATE transaction: read every Canceling op with its job
# (the result items), orphans -> Noop, terminated -> Canceled. Running jobs:
# with router none nothing is written; with outbox their outbox row is
# inserted (count 1, first and last sent now) or updated (epoch, node,
# address, count + 1, last sent). Sets `tick_sql`; `$1`: none or outbox.
define_tick_sql() {
  local send=""
  if [ "$1" = outbox ]; then
    send="INSERT INTO jobop_outbox (job_id, epoch, node_id, address, send_count, first_sent, last_sent)
  SELECT o.job_id, m.epoch, m.node_id, m.address, 1, $now_sql, $now_sql
  FROM job_ops o JOIN master_meta m ON m.id = o.job_id
  WHERE o.op = 2 AND m.deleted IS NULL AND m.state IN (1, 2)
  ON CONFLICT (job_id) DO UPDATE SET epoch = excluded.epoch, node_id = excluded.node_id,
    address = excluded.address, send_count = send_count + 1, last_sent = excluded.last_sent;"
  fi
  tick_sql="BEGIN IMMEDIATE;
SELECT o.job_id, o.op, m.state, m.epoch, m.node_id, m.address
  FROM job_ops o LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL
  WHERE o.op = 2;
$send
UPDATE job_ops SET op = 1, updated_at = $now_sql
  WHERE op = 2 AND NOT EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = job_ops.job_id AND m.deleted IS NULL);
UPDATE job_ops SET op = 3, updated_at = $now_sql
  WHERE op = 2 AND EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = job_ops.job_id AND m.deleted IS NULL
      AND m.state IN (3, 4, 5));
COMMIT;"
}

# jobop's audit table (store/sqlite/schema.cpp), which a cancel creates in its
# transaction when the metastore has none yet (the generated one has none):
# every changed job gets its audit row, on both sides.
audit_ddl_sql="CREATE TABLE IF NOT EXISTS \`jobop_audit\` (\`seq_id\` integer PRIMARY KEY AUTOINCREMENT,
  \`at\` datetime not null, \`actor\` varchar(256) not null, \`login\` varchar(256) not null,
  \`sudo_user\` varchar(256), \`host\` varchar(256) not null, \`tty\` varchar(256),
  \`args\` text not null, \`job_id\` varchar(128) not null, \`action\` varchar(32) not null,
  \`reason\` text, \`state_before\` tinyint, \`op_before\` tinyint, \`error_before\` text,
  \`state_after\` tinyint, \`op_after\` tinyint, \`error_after\` text);
CREATE INDEX IF NOT EXISTS \`idx_jobop_audit_job\` ON \`jobop_audit\`(\`job_id\`, \`seq_id\`);"

# Bulk cancel: the ids come in through a temporary table (.import of the same
# file jobop reads on stdin).
cancel_import_sql="CREATE TEMP TABLE cancel_ids (id TEXT);"

# The user-facing cancel of every id in one IMMEDIATE transaction: read each
# job with its op (existence, terminated or not: the record printed), then
# insert-or-update its op to Canceling unless it is terminated, Canceling
# already (idempotent) or Canceled, and forget its old outbox row (when the
# outbox table exists). Sets `cancel_sql` and `single_cancel_sql` (for one
# id, as one sqlite3 process would do it; `@ID@` stands for the id).
# `$1`: 1 if the outbox table exists.
define_cancel_sql() {
  local forget="" forget_one=""
  if [ "$1" = 1 ]; then
    forget="DELETE FROM jobop_outbox WHERE job_id IN (SELECT id FROM cancel_ids);"
    forget_one="DELETE FROM jobop_outbox WHERE job_id = '@ID@';"
  fi
  cancel_sql="BEGIN IMMEDIATE;
SELECT $job_columns_sql, o.op
  FROM cancel_ids c LEFT JOIN master_meta m ON m.id = c.id AND m.deleted IS NULL
  LEFT JOIN job_ops o ON o.job_id = c.id;
$audit_ddl_sql
INSERT INTO jobop_audit (at, actor, login, sudo_user, host, tty, args, job_id, action,
    reason, state_before, op_before, error_before, state_after, op_after, error_after)
  SELECT $now_sql, 'bench', 'bench', NULL, 'bench-host', NULL, 'cancel -', m.id, 'cancel',
    NULL, m.state, coalesce(o.op, 0), m.error_message, m.state, 2, m.error_message
  FROM cancel_ids c JOIN master_meta m ON m.id = c.id LEFT JOIN job_ops o ON o.job_id = m.id
  WHERE m.deleted IS NULL AND m.state IN (1, 2) AND coalesce(o.op, 0) IN (0, 1);
INSERT INTO job_ops (created_at, updated_at, op, job_id)
  SELECT $now_sql, $now_sql, 2, m.id
  FROM cancel_ids c JOIN master_meta m ON m.id = c.id
  WHERE m.deleted IS NULL AND m.state IN (1, 2)
  ON CONFLICT (job_id) DO UPDATE SET op = 2, updated_at = excluded.updated_at
    WHERE job_ops.op = 1;
$forget
COMMIT;"
  single_cancel_sql="BEGIN IMMEDIATE;
SELECT $job_columns_sql, o.op
  FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id
  WHERE m.id = '@ID@' AND m.deleted IS NULL;
$audit_ddl_sql
INSERT INTO jobop_audit (at, actor, login, sudo_user, host, tty, args, job_id, action,
    reason, state_before, op_before, error_before, state_after, op_after, error_after)
  SELECT $now_sql, 'bench', 'bench', NULL, 'bench-host', NULL, 'cancel @ID@', m.id, 'cancel',
    NULL, m.state, coalesce(o.op, 0), m.error_message, m.state, 2, m.error_message
  FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id
  WHERE m.id = '@ID@' AND m.deleted IS NULL AND m.state IN (1, 2) AND coalesce(o.op, 0) IN (0, 1);
INSERT INTO job_ops (created_at, updated_at, op, job_id)
  SELECT $now_sql, $now_sql, 2, m.id FROM master_meta m
  WHERE m.id = '@ID@' AND m.deleted IS NULL AND m.state IN (1, 2)
  ON CONFLICT (job_id) DO UPDATE SET op = 2, updated_at = excluded.updated_at
    WHERE job_ops.op = 1;
$forget_one
COMMIT;"
}

# What a write workload leaves behind, compared between the two sides.
# Sets `ops_summary_sql`; `$1`: 1 if the outbox table exists.
define_summary_sql() {
  ops_summary_sql="SELECT 'op ' || op, count(*) FROM job_ops GROUP BY op"
  [ "$1" = 0 ] || ops_summary_sql+=" UNION ALL SELECT 'outbox', count(*) || '/' || total(send_count) FROM jobop_outbox"
}

# Ids to cancel: live user jobs (not the JobManager) with no op yet, spread
# over the table; add LIMIT/OFFSET to take disjoint sets.
pick_cancel_ids_sql="SELECT m.id FROM master_meta m
  WHERE m.state IN (1, 2) AND m.deleted IS NULL AND m.type <> 1
    AND NOT EXISTS (SELECT 1 FROM job_ops o WHERE o.job_id = m.id)
  ORDER BY m.seq_id * 7 % 1000003, m.seq_id"
