# shellcheck shell=bash
# Every variable here is used by bench_mysql.sh, which sources this file.
# shellcheck disable=SC2034
# The SQL the mariadb client runs in bench/bench_mysql.sh: the same reads
# and writes jobop's commands make on a MySQL-protocol metastore, done as
# set-based statements in one transaction (the fastest the client can do).
# Reads are the very SELECTs jobop sends (src/jobop/store/row_layout.hpp,
# src/jobop/store/mysql/mysql_metastore_status.cpp and _ops.cpp); the
# benchmark checks the status ones against the server's general log. Sourced,
# not run. Assumes jobop's outbox table exists (`jobop init` made it).

# The select list of a status row: job (config not asked for: NULL), op and
# outbox columns (status_select_list in row_layout.hpp).
status_columns_sql="m.id, m.project_id, m.type, m.state, m.node_id, m.address, m.epoch, m.error_message, NULL, m.created_at, m.updated_at, o.job_id, o.op, o.created_at, o.updated_at, x.job_id, x.epoch, x.node_id, x.address, x.send_count, x.first_sent, x.last_sent"
orphan_columns_sql="NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.job_id, o.op, o.created_at, o.updated_at, x.job_id, x.epoch, x.node_id, x.address, x.send_count, x.first_sent, x.last_sent"

# status (MysqlMetastore::stream_status_rows): every live job with its op
# and outbox row by seq_id, then every op whose job is gone.
status_jobs_sql="SELECT $status_columns_sql FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id LEFT JOIN jobop_outbox x ON x.job_id = m.id WHERE m.deleted IS NULL ORDER BY m.seq_id"
status_orphans_sql="SELECT $orphan_columns_sql FROM job_ops o LEFT JOIN jobop_outbox x ON x.job_id = o.job_id WHERE NOT EXISTS (SELECT 1 FROM master_meta j WHERE j.id = o.job_id AND j.deleted IS NULL) ORDER BY o.seq_id"
status_sql="$status_jobs_sql; $status_orphans_sql;"

# The job columns jobop reads with a Canceling op (canceling_ops_page).
job_columns_sql="m.id, m.project_id, m.type, m.state, m.node_id, m.address, m.epoch, m.error_message, NULL, m.created_at, m.updated_at"

# tick --router none, in one transaction: read every Canceling op with its
# live job, locked (the result items; jobop reads them a page at a time, FOR
# UPDATE), then ops of orphans -> Noop and ops of terminated jobs ->
# Canceled. Ops of running jobs are left Canceling (router none sends
# nothing). `tick_updates_sql` is the two UPDATEs alone (reported for scale).
tick_select_sql="SELECT o.seq_id, o.job_id, $job_columns_sql FROM job_ops o
  LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL
  WHERE o.op = 2 ORDER BY o.seq_id FOR UPDATE;"
tick_updates_sql="UPDATE job_ops o LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL
  SET o.op = 1, o.updated_at = NOW(3) WHERE o.op = 2 AND m.id IS NULL;
UPDATE job_ops o JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL
  SET o.op = 3, o.updated_at = NOW(3) WHERE o.op = 2 AND m.state IN (3, 4, 5);"
tick_sql="START TRANSACTION;
$tick_select_sql
$tick_updates_sql
COMMIT;"
tick_updates_only_sql="START TRANSACTION;
$tick_updates_sql
COMMIT;"

# Bulk cancel: the ids are loaded into a temporary table (LOAD DATA LOCAL of
# the file jobop reads on stdin), then in one transaction: read each job with
# its op and outbox row, locked (the record printed), INSERT … SELECT … ON
# DUPLICATE KEY UPDATE the ops of the live, non-terminated jobs to Canceling
# (an existing Noop op becomes Canceling; Canceling and Canceled stay), and
# forget their outbox rows. `@FILE@` stands for the id file's absolute path.
cancel_sql="CREATE TEMPORARY TABLE cancel_ids (id varchar(128) NOT NULL);
LOAD DATA LOCAL INFILE '@FILE@' INTO TABLE cancel_ids (id);
START TRANSACTION;
SELECT c.id, $status_columns_sql FROM cancel_ids c
  LEFT JOIN master_meta m ON m.id = c.id AND m.deleted IS NULL
  LEFT JOIN job_ops o ON o.job_id = c.id LEFT JOIN jobop_outbox x ON x.job_id = c.id FOR UPDATE;
INSERT INTO job_ops (created_at, updated_at, op, job_id)
  SELECT NOW(3), NOW(3), 2, m.id FROM cancel_ids c JOIN master_meta m ON m.id = c.id
  WHERE m.deleted IS NULL AND m.state IN (1, 2)
  ON DUPLICATE KEY UPDATE updated_at = IF(job_ops.op = 1, VALUES(updated_at), job_ops.updated_at),
    op = IF(job_ops.op = 1, 2, job_ops.op);
DELETE x FROM jobop_outbox x JOIN cancel_ids c ON x.job_id = c.id;
COMMIT;"

# One cancel, as one client process does it: the same statements for one id
# (`@ID@`), the job read and locked, the op upserted, the outbox row forgotten.
single_cancel_sql="START TRANSACTION;
SELECT $status_columns_sql FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id
  LEFT JOIN jobop_outbox x ON x.job_id = m.id WHERE m.id = '@ID@' AND m.deleted IS NULL FOR UPDATE;
INSERT INTO job_ops (created_at, updated_at, op, job_id) VALUES (NOW(3), NOW(3), 2, '@ID@')
  ON DUPLICATE KEY UPDATE op = VALUES(op), updated_at = VALUES(updated_at);
DELETE FROM jobop_outbox WHERE job_id = '@ID@';
COMMIT;"

# What a write workload leaves behind, compared between the two sides.
ops_summary_sql="SELECT CONCAT('op ', op), count(*) FROM job_ops GROUP BY op
  UNION ALL SELECT 'outbox', count(*) FROM jobop_outbox ORDER BY 1"
