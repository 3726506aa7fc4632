#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark jobop against the sqlite3 shell on a generated engine metastore
# (bench/gen_metastore.sh), in the same run, and check the targets:
#   - status (all jobs, JSON Lines), one tick (router none) and a bulk cancel
#     of JOBS/10 ids each within 1.5x of the sqlite3 shell doing the same SQL
#     work (median wall time);
#   - one `jobop cancel ID` process under 5 ms wall (median);
#   - `jobop status -o jsonl` of every job under 64 MiB peak RSS.
# Each write workload runs on its own fresh copy of the metastore; jobop and
# sqlite3 alternate which goes first. Prints a Markdown table and exits 1 when
# a target is missed (0 when all are met, 2 on bad usage).
#
#   bench/bench_metastore.sh --jobop BUILD/jobop [--jobs N] [--reps R]
#                            [--single S] [--run-timeout SECONDS]
#                            [--workdir DIR] [--keep]
#   bench/bench_metastore.sh --baseline-only [--jobs N] ...
#
# Defaults: 1,000,000 jobs, 5 repetitions, 50 single cancels, runs killed
# after 300 s (a side that times out is not run again for that workload and
# misses its target), a temporary work directory (removed at the end unless
# --keep). --baseline-only measures the generator and the sqlite3 side only
# and checks no target.
# Needs bash, sqlite3 and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail

usage() { sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "bench_metastore: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
jobop=""
jobs=1000000
reps=5
single=50
run_timeout=300
workdir=""
keep=0
baseline_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jobop) jobop=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --single) single=$2; shift 2 ;;
    --run-timeout) run_timeout=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --baseline-only) baseline_only=1; shift ;;
    -h|--help) usage ;;
    *) echo "bench_metastore: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$jobs" =~ ^[0-9]+$ && "$reps" =~ ^[1-9][0-9]*$ && "$single" =~ ^[1-9][0-9]*$ &&
   "$run_timeout" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench_metastore: --jobs, --reps, --single and --run-timeout take positive integers" >&2; exit 2; }
if [ "$baseline_only" = 0 ]; then
  [ -n "$jobop" ] || { echo "bench_metastore: --jobop PATH is required (or --baseline-only)" >&2; exit 2; }
  [ -x "$jobop" ] || { echo "bench_metastore: $jobop is not an executable" >&2; exit 2; }
  jobop=$(cd "$(dirname "$jobop")" && pwd)/$(basename "$jobop")
fi
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (Debian package sqlite3)"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (Debian package time)"

if [ -z "$workdir" ]; then
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/jobop-bench.XXXXXX")
else
  mkdir -p "$workdir"
fi
[ "$keep" = 1 ] || trap 'rm -rf "$workdir"' EXIT
cd "$workdir"
cancel_count=$((jobs / 10))

source "$here/bench_metastore_sql.sh"
source "$here/bench_metastore_lib.sh"

# --- the metastore ----------------------------------------------------------
rm -f master.db master.db-wal master.db-shm
t0=$EPOCHREALTIME
"$here/gen_metastore.sh" --jobs "$jobs" master.db
gen_us=$(elapsed_us "$t0")
if [ "$baseline_only" = 0 ]; then
  "$jobop" init --db master.db >init.out 2>init.err \
    || die "jobop init could not adopt the metastore: $(cat init.err)"
fi
# Fold any WAL into the main file so that a copy of master.db is complete.
sqlite3 master.db "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
# Ids for the bulk cancel and the single cancels: live jobs with no op yet,
# spread over the table; disjoint sets.
sqlite3 master.db "$pick_cancel_ids_sql LIMIT $cancel_count;" >cancel_ids.txt
sqlite3 master.db "$pick_cancel_ids_sql LIMIT $((single * 2)) OFFSET $cancel_count;" >single_ids.txt
[ "$(wc -l <cancel_ids.txt)" = "$cancel_count" ] || die "found fewer than $cancel_count live jobs without an op"
head -n "$single" single_ids.txt >single_jobop.txt
tail -n +"$((single + 1))" single_ids.txt >single_sqlite3.txt
echo "bench_metastore: metastore generated in $(fmt_s "$gen_us") s; $(stat -c %s master.db) bytes" >&2

# --- workloads ----------------------------------------------------------------
has_outbox=$(sqlite3 master.db "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'jobop_outbox';")
define_status_sql "$has_outbox"
define_cancel_sql "$has_outbox"
define_summary_sql "$has_outbox"
workloads=(status tick-none cancel)
# The outbox router writes jobop's own table: measured when `jobop init`
# created it.
[ "$has_outbox" = 0 ] || workloads=(status tick-none tick-outbox cancel)

# The command of one run of a workload by one side: sets `cmd`. `$1`: side,
# `$2`: workload, `$3`: database.
command_of() {
  local side=$1 workload=$2 db=$3
  case "$side/$workload" in
    jobop/status) cmd=("$jobop" --db "$db" status --all -o jsonl) ;;
    jobop/tick-*) cmd=("$jobop" --db "$db" tick --router "${workload#tick-}") ;;
    jobop/cancel) cmd=("$jobop" --db "$db" cancel -) ;;
    sqlite3/status) cmd=(sqlite3 -readonly -json "$db" "$status_sql") ;;
    sqlite3/tick-*)
      define_tick_sql "${workload#tick-}"
      cmd=(sqlite3 -bail -json "$db" "$pragmas_sql" "$tick_sql") ;;
    sqlite3/cancel) cmd=(sqlite3 -bail -json "$db" "$pragmas_sql" "$cancel_import_sql"
      ".import cancel_ids.txt cancel_ids" "$cancel_sql") ;;
  esac
}

# What each write workload must leave: the number of Canceling ops (those of
# live jobs after a tick; JOBS/10 more after the bulk cancel).
canceling_before=$(sqlite3 master.db "SELECT count(*) FROM job_ops WHERE op = 2;")
canceling_live=$(sqlite3 master.db "SELECT count(*) FROM job_ops o JOIN master_meta m ON m.id = o.job_id
    WHERE o.op = 2 AND m.deleted IS NULL AND m.state IN (1, 2);")
declare -A expected_canceling=([tick-none]=$canceling_live [tick-outbox]=$canceling_live
  [cancel]=$((canceling_before + cancel_count)))

sides=(jobop sqlite3)
[ "$baseline_only" = 0 ] || sides=(sqlite3)
# What each write workload leaves in job_ops and the outbox: every run of it,
# by either side, must leave the same.
declare -A effect
for workload in "${workloads[@]}"; do
  for rep in $(seq 1 "$reps"); do
    order=("${sides[@]}")
    if [ $((rep % 2)) = 0 ] && [ ${#sides[@]} = 2 ]; then order=(sqlite3 jobop); fi
    for side in "${order[@]}"; do
      fresh_copy master.db run.db
      input=/dev/null
      [ "$workload" != cancel ] || input=cancel_ids.txt
      [ -z "${timed_out[$side/$workload]:-}" ] || continue
      command_of "$side" "$workload" run.db
      measure "$side" "$workload" "$input" /dev/null "${cmd[@]}"
      if [ "$workload" = status ] || [ -n "${timed_out[$side/$workload]:-}" ]; then continue; fi
      canceling=$(sqlite3 run.db "SELECT count(*) FROM job_ops WHERE op = 2;")
      [ "$canceling" = "${expected_canceling[$workload]}" ] \
        || die "$workload: $side left $canceling Canceling ops, expected ${expected_canceling[$workload]}"
      got=$(sqlite3 run.db "$ops_summary_sql" | tr '\n' ' ')
      if [ -z "${effect[$workload]:-}" ]; then
        effect[$workload]=$got
      elif [ "${effect[$workload]}" != "$got" ]; then
        die "$workload: $side left '$got', the first run '${effect[$workload]}'"
      fi
    done
  done
  echo "bench_metastore: $workload done${effect[$workload]:+; it leaves (what|count): ${effect[$workload]}}" >&2
done

# Rows each side writes for status (one untimed run each), so that a reader
# can see both did the same listing.
fresh_copy master.db run.db
status_rows_sqlite3=$(sqlite3 -readonly run.db "SELECT count(*) FROM ($status_sql);")
status_rows_jobop=""
if [ "$baseline_only" = 0 ]; then
  status_rows_jobop="(timed out)"
  [ -n "${timed_out[jobop/status]:-}" ] \
    || status_rows_jobop=$("$jobop" --db run.db status --all -o jsonl | wc -l)
fi

# Single cancels: one process per id, one after another, on one copy; the
# time includes starting the process (bash's fork and exec), alike for both.
fresh_copy master.db single.db
single_us_jobop=()
single_us_sqlite3=()
for side in "${sides[@]}"; do
  while read -r id; do
    sql=${single_cancel_sql//@ID@/${id//\'/\'\'}}
    t0=$EPOCHREALTIME
    if [ "$side" = jobop ]; then
      "$jobop" --db single.db cancel "$id" >/dev/null
    else
      sqlite3 -bail single.db "$pragmas_sql" "$sql" >/dev/null
    fi
    us=$(elapsed_us "$t0")
    if [ "$side" = jobop ]; then single_us_jobop+=("$us"); else single_us_sqlite3+=("$us"); fi
  done <"single_$side.txt"
done
canceled_singles=$(sqlite3 single.db "SELECT count(*) FROM job_ops WHERE op = 2;")
[ "$canceled_singles" = $((canceling_before + single * ${#sides[@]})) ] \
  || die "single cancels left $canceled_singles Canceling ops, expected $((canceling_before + single * ${#sides[@]}))"

report
