#!/usr/bin/env bash
# Generate an engine metastore for the benchmarks: the engine's exact schema
# (SPEC §1), JOBS jobs over all five states, and OPS Canceling ops of which
# half are on terminated jobs, 5 % are orphans (half with no job row, half on
# a soft-deleted job) and the rest are on running jobs. Deterministic: the
# same sizes give the same file contents (rows, ids, timestamps).
#
#   bench/gen_metastore.sh [--jobs N] [--ops M] OUT.db
#
# Defaults: 1,000,000 jobs and 100,000 canceling ops (--ops defaults to a
# tenth of --jobs). It also writes history the engine leaves behind: Canceled
# ops on stopped jobs (OPS/5) and Noop ops of jobs that are gone (OPS/50).
# Needs only the sqlite3 shell. OUT must not exist.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

jobs=1000000
ops=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2; shift 2 ;;
    --ops) ops=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "gen_metastore: unknown flag $1" >&2; usage ;;
    *) [ -z "$out" ] || usage; out=$1; shift ;;
  esac
done
[ -n "$out" ] || usage
[ -n "$ops" ] || ops=$((jobs / 10))
[[ "$jobs" =~ ^[0-9]+$ && "$ops" =~ ^[0-9]+$ ]] || { echo "gen_metastore: sizes must be integers" >&2; exit 2; }
[ ! -e "$out" ] || { echo "gen_metastore: $out exists; refusing to overwrite" >&2; exit 2; }

on_terminated=$((ops / 2))
orphans=$((ops / 20))
orphans_gone=$((orphans / 2))
orphans_deleted=$((orphans - orphans_gone))
on_running=$((ops - on_terminated - orphans))
history_canceled=$((ops / 5))
history_noop=$((ops / 50))
# A few more soft-deleted jobs than the orphans need, so that some are plain
# history with no op at all.
deleted=$((orphans_deleted * 2 + 10))
# Every count must be reachable: the state mix below gives ~40 % running
# (state 2), ~50 % terminated; ops on them must fit.
if [ $((on_running * 10)) -gt $((jobs * 3)) ] || [ $((on_terminated + history_canceled)) -gt $((jobs * 4 / 10)) ]; then
  echo "gen_metastore: --ops $ops is too many for --jobs $jobs" >&2
  exit 2
fi

# Timestamps in Go's layout 2006-01-02 15:04:05.999999999-07:00 (UTC, trailing
# zeros of the fraction dropped, and the dot with them when it is all zeros).
# $1: whole seconds since the epoch, $2: nanoseconds.
go_time() {
  echo "(rtrim(rtrim(printf('%s.%09d', datetime($1, 'unixepoch'), $2), '0'), '.') || '+00:00')"
}
# A 32-bit mixing of k with multiplier $2: spreads values without random(),
# so that the file is reproducible.
mix() { echo "((($1) * $2 + 12345) % 4294967296)"; }

base=1717200000 # 2024-06-01 00:00:00 UTC: "now" of the generated metastore
h1=$(mix k 2654435761)
h2=$(mix k 2246822519)
h3=$(mix k 3266489917)
created_s="($base - 86400 * 90 + ($h1 % (86400 * 89)))"
created_ns="($h2 % 1000000000)"
updated_s="($created_s + ($h3 % 86400))"
updated_ns="($h3 % 1000000000)"

sqlite3 -bail "$out" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;

-- The engine's schema, verbatim from SPEC §1 (the indexes are created after
-- the bulk insert, which is faster and stores the same DDL text).
CREATE TABLE \`master_meta\` (\`seq_id\` integer PRIMARY KEY AUTOINCREMENT,
  \`created_at\` datetime, \`updated_at\` datetime,
  \`project_id\` varchar(128) not null, \`id\` varchar(128) not null,
  \`type\` smallint not null, \`state\` tinyint not null,
  \`node_id\` varchar(128) not null, \`address\` varchar(256) not null,
  \`epoch\` bigint not null, \`config\` blob, \`error_message\` text,
  \`detail\` blob, \`ext\` JSON, \`deleted\` datetime);

CREATE TABLE \`job_ops\` (\`seq_id\` integer PRIMARY KEY AUTOINCREMENT,
  \`created_at\` datetime, \`updated_at\` datetime,
  \`op\` tinyint not null, \`job_id\` varchar(128) not null);

BEGIN;
-- Jobs. State mix by k % 20: 2 created, 8 running, 5 finished, 2 stopped,
-- 3 failed. Seq 1 is the engine's own JobManager. Created jobs have no
-- master yet (no node, address, epoch 0).
WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < $jobs),
s(k, state) AS (
  SELECT k, CASE
    WHEN k = 1 THEN 2
    WHEN k % 20 < 2 THEN 1
    WHEN k % 20 < 10 THEN 2
    WHEN k % 20 < 15 THEN 3
    WHEN k % 20 < 17 THEN 4
    ELSE 5 END
  FROM c)
INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state,
  node_id, address, epoch, config, error_message, detail, ext, deleted)
SELECT
  $(go_time "$created_s" "$created_ns"),
  $(go_time "$updated_s" "$updated_ns"),
  CASE WHEN k = 1 THEN '' ELSE printf('project-%02d', ($h1 >> 7) % 24) END,
  CASE WHEN k = 1 THEN 'jobmanager' ELSE
    printf('%08x-%04x-%04x-%04x-%012x', $h1, $h2 % 65536, 16384 + $h3 % 4096,
           32768 + ($h2 >> 16) % 16384, k) END,
  CASE WHEN k = 1 THEN 1 ELSE 2 + ($h2 >> 5) % 4 END,
  state,
  CASE WHEN state = 1 THEN '' ELSE printf('executor-%03d', ($h3 >> 3) % 200) END,
  CASE WHEN state = 1 THEN '' ELSE
    printf('10.0.%d.%d:10241', ($h3 >> 3) % 200 / 50, 10 + ($h3 >> 3) % 200) END,
  CASE WHEN state = 1 THEN 0 ELSE 1 + ($h1 >> 9) % 40 END,
  CAST(printf('{"upstream":"mysql://dm_user:s3cret-%d@mysql-%d.db:3306","task-mode":"all","batch":%d}',
              k, $h1 % 16, 100 + $h2 % 900) AS BLOB),
  CASE WHEN state = 5 THEN printf('worker exited: [code=%d] context deadline exceeded', 10000 + $h2 % 500)
       ELSE '' END,
  NULL, NULL, NULL
FROM s;

-- Soft-deleted jobs: terminated ones, spread over the table.
UPDATE master_meta SET deleted = updated_at
WHERE seq_id IN (SELECT seq_id FROM master_meta
                 WHERE state IN (3, 4, 5) AND seq_id % 13 = 5 LIMIT $deleted);

-- Ops. Each set takes distinct jobs (the unique index on job_id would refuse
-- a second op for one job); "ORDER BY seq_id * p % 1000003" spreads them.
CREATE TEMP TABLE picked (job_id TEXT PRIMARY KEY, op INTEGER, at_s INTEGER, at_ns INTEGER);
INSERT INTO picked SELECT id, 2, seq_id, seq_id + 1 FROM master_meta
  WHERE state IN (3, 4, 5) AND deleted IS NULL ORDER BY seq_id * 7919 % 1000003 LIMIT $on_terminated;
INSERT INTO picked SELECT id, 2, seq_id, seq_id + 2 FROM master_meta
  WHERE state = 2 AND seq_id > 1 ORDER BY seq_id * 104729 % 1000003 LIMIT $on_running;
INSERT INTO picked SELECT id, 2, seq_id, seq_id + 3 FROM master_meta
  WHERE deleted IS NOT NULL LIMIT $orphans_deleted;
WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < $orphans_gone + $history_noop)
INSERT INTO picked SELECT printf('gone-%08x-%06d', $(mix k 2654435761), k),
  CASE WHEN k <= $orphans_gone THEN 2 ELSE 1 END, k, k + 4 FROM g;
INSERT INTO picked SELECT id, 3, seq_id, seq_id + 5 FROM master_meta
  WHERE state = 4 AND deleted IS NULL AND id NOT IN (SELECT job_id FROM picked)
  ORDER BY seq_id * 97 % 1000003 LIMIT $history_canceled;

-- Op timestamps: Canceling requested within the last 2 hours (some look
-- stuck), history ops within the last 30 days; inserted in time order as the
-- engine would.
INSERT INTO job_ops (created_at, updated_at, op, job_id)
SELECT t, t, op, job_id FROM (
  SELECT op, job_id, $(go_time "($base - CASE WHEN op = 2 THEN $(mix at_s 2246822519) % 7200
                                              ELSE $(mix at_s 2246822519) % (86400 * 30) END)" \
                               "($(mix at_ns 3266489917) % 1000000000)") AS t
  FROM picked) ORDER BY t;
COMMIT;

CREATE INDEX \`idx_mst\` ON \`master_meta\`(\`project_id\`,\`state\`);
CREATE UNIQUE INDEX \`uidx_mid\` ON \`master_meta\`(\`id\`);
CREATE INDEX \`idx_job_op\` ON \`job_ops\`(\`op\`);
CREATE UNIQUE INDEX \`uk_job_id\` ON \`job_ops\`(\`job_id\`);

ANALYZE;
PRAGMA journal_mode = WAL;
SQL

# Check what was asked for, so that a benchmark never runs on a wrong file.
counts=$(sqlite3 "$out" "
  SELECT count(*) FROM master_meta;
  SELECT count(*) FROM job_ops o WHERE op = 2 AND EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = o.job_id AND m.deleted IS NULL AND m.state IN (3, 4, 5));
  SELECT count(*) FROM job_ops o WHERE op = 2 AND NOT EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = o.job_id AND m.deleted IS NULL);
  SELECT count(*) FROM job_ops o WHERE op = 2 AND EXISTS (
    SELECT 1 FROM master_meta m WHERE m.id = o.job_id AND m.deleted IS NULL AND m.state IN (1, 2));" | tr '\n' ' ')
expected="$jobs $on_terminated $orphans $on_running "
if [ "$counts" != "$expected" ]; then
  echo "gen_metastore: $out has jobs/terminated/orphan/running ops '$counts', expected '$expected'" >&2
  exit 1
fi
echo "gen_metastore: $out: $jobs jobs, $ops canceling ops ($on_terminated on terminated jobs, $orphans orphans, $on_running on running jobs)" >&2
