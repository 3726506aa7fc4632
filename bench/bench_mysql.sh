#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark jobop's MySQL backend against the mariadb client on a generated
# engine metastore (bench/gen_mysql.sh: the shape of bench/gen_metastore.sh)
# on a MariaDB server, in the same run, and check the targets:
#   - `status -o jsonl` of every job within 1.5x of `mariadb --batch --quick`
#     running the same SELECTs, and under 64 MiB peak RSS;
#   - `tick --router none` within 1.5x of the client doing the same read and
#     set-based UPDATEs in one transaction;
#   - a bulk `cancel -` of JOBS/10 ids within 2x of the client loading the
#     ids into a temporary table and doing INSERT … SELECT … ON DUPLICATE KEY
#     UPDATE;
#   - one `jobop cancel ID` process under 20 ms (median of --single runs).
# Ratios are of median wall times. Every write run starts from the same
# data (job_ops and jobop_outbox restored from a pristine copy, untimed);
# jobop and the client alternate which goes first. An untimed profiling run
# per workload counts the statements jobop sends (the server's general log)
# and checks that the client runs the very SELECTs jobop runs for status.
# Prints a Markdown table; exits 1 when a target is missed, 0 when all are
# met, 2 on bad usage.
#
#   bench/bench_mysql.sh --jobop BUILD/jobop [--url mysql://USER@HOST:PORT/]
#                        [--schema NAME] [--jobs N] [--reps R] [--single S]
#                        [--run-timeout SECONDS] [--workdir DIR] [--keep]
#                        [--reuse] [--no-profile] [--buffer-pool MIB]
#
# The server: --url (default $JOBOP_TEST_MYSQL_URL, as printed by
# `scripts/mysql-server start DIR`), password in $JOBOP_DB_PASSWORD (default
# $JOBOP_TEST_MYSQL_PASSWORD). The user needs to create and drop schemas and,
# for the profiling run, to set the global general log (SUPER).
# The benchmark owns schemas NAME (default jobop_bench) and NAME_pristine:
# it drops and recreates them, and drops them at the end unless --keep.
# --reuse keeps a NAME left by an earlier --keep run of the same --jobs
# (skips `jobop init` and generation). --buffer-pool resizes the server's
# InnoDB buffer pool for the run (SET GLOBAL innodb_buffer_pool_size; put
# back at the end), e.g. to hold the whole metastore. Defaults: 1,000,000 jobs,
# 3 repetitions, 50 single cancels per side, runs killed after 300 s.
# Needs bash, the mariadb client and GNU time (/usr/bin/time).
set -euo pipefail

usage() { sed -n '3,/^# Needs bash/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "bench_mysql: $*" >&2; exit 1; }
note() { echo "bench_mysql: $*" >&2; }
bench_name=bench_mysql

here=$(cd "$(dirname "$0")" && pwd)
jobop=""
url=${JOBOP_TEST_MYSQL_URL:-}
schema=jobop_bench
jobs=1000000
reps=3
single=50
run_timeout=300
workdir=""
keep=0
reuse=0
profile=1
buffer_pool=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobop) jobop=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --schema) schema=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --single) single=$2; shift 2 ;;
    --run-timeout) run_timeout=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --reuse) reuse=1; keep=1; shift ;;
    --no-profile) profile=0; shift ;;
    --buffer-pool) buffer_pool=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "bench_mysql: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]*$ && "$reps" =~ ^[1-9][0-9]*$ && "$single" =~ ^[1-9][0-9]*$ &&
   "$run_timeout" =~ ^[1-9][0-9]*$ ]] \
  || { echo "bench_mysql: --jobs, --reps, --single and --run-timeout take positive integers" >&2; exit 2; }
[[ -z "$buffer_pool" || "$buffer_pool" =~ ^[1-9][0-9]*$ ]] || { echo "bench_mysql: --buffer-pool takes MiB, a positive integer" >&2; exit 2; }
[[ "$schema" =~ ^[A-Za-z_][A-Za-z0-9_]{0,40}$ ]] || { echo "bench_mysql: --schema takes a plain name" >&2; exit 2; }
[ -n "$jobop" ] || { echo "bench_mysql: --jobop PATH is required" >&2; exit 2; }
[ -x "$jobop" ] || { echo "bench_mysql: $jobop is not an executable" >&2; exit 2; }
jobop=$(cd "$(dirname "$jobop")" && pwd)/$(basename "$jobop")
[[ "$url" =~ ^mysql://([^@/:]+)@([^/:]+)(:([0-9]+))?/?$ ]] \
  || { echo "bench_mysql: --url takes mysql://USER@HOST[:PORT]/ (no schema, no password), got '$url'" >&2; exit 2; }
db_user=${BASH_REMATCH[1]}
db_host=${BASH_REMATCH[2]}
db_port=${BASH_REMATCH[4]:-3306}
export JOBOP_DB_PASSWORD=${JOBOP_DB_PASSWORD:-${JOBOP_TEST_MYSQL_PASSWORD:-}}
export MYSQL_PWD=$JOBOP_DB_PASSWORD # the mariadb client's
command -v mariadb >/dev/null || die "the mariadb client is not installed (Debian package mariadb-client)"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (Debian package time)"
# Plain text on both sides: the mariadb client uses no TLS unless told to,
# and TLS without a CA costs jobop a CA-bundle load per connection
# (docs/metastore.md) that would not be jobop's own work.
db_url="mysql://$db_user@$db_host:$db_port/$schema?tls=disabled"
pristine=${schema}_pristine

if [ -z "$workdir" ]; then
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/jobop-bench-mysql.XXXXXX")
else
  mkdir -p "$workdir"
fi
workdir=$(cd "$workdir" && pwd)
cd "$workdir"
cancel_count=$((jobs / 10))

source "$here/bench_metastore_sql.sh" # pick_cancel_ids_sql
source "$here/bench_mysql_sql.sh"
source "$here/bench_metastore_lib.sh"

# The client, over TCP like jobop, as the same user.
client=(mariadb --no-defaults --protocol=TCP -h "$db_host" -P "$db_port" -u "$db_user")
# Run SQL ($1) in the benchmark schema (or $2), tab-separated, no header.
q() { "${client[@]}" --batch --skip-column-names -e "$1" "${2:-$schema}"; }

cleanup() {
  local rc=$?
  if [ -n "${log_saved:-}" ]; then
    q "SET GLOBAL general_log = 0; SET GLOBAL log_output = '$log_output_before';
       SET GLOBAL general_log = $general_log_before;" mysql 2>/dev/null || true
  fi
  if [ -n "${pool_before:-}" ]; then
    q "SET GLOBAL innodb_buffer_pool_size = $pool_before" mysql 2>/dev/null || true
  fi
  if [ "$keep" = 0 ]; then
    q "DROP DATABASE IF EXISTS \`$schema\`; DROP DATABASE IF EXISTS \`$pristine\`;" mysql 2>/dev/null || true
    cd /
    rm -rf "$workdir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_version=$(q "SELECT VERSION()" mysql) || die "cannot connect to $url as $db_user"
if [ -n "$buffer_pool" ]; then
  pool_before=$(q "SELECT @@innodb_buffer_pool_size" mysql)
  q "SET GLOBAL innodb_buffer_pool_size = $((buffer_pool * 1048576))" mysql
  # The resize runs in the background; wait for it (bounded).
  for ((i = 0; i < 600; i++)); do
    status=$(q "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'" mysql | cut -f2)
    [[ "$status" == *"Completed"* || -z "$status" ]] && break
    sleep 0.1
  done
fi

# --- the metastore ----------------------------------------------------------
have=""
if [ "$reuse" = 1 ]; then
  have=$(q "SELECT count(*) FROM master_meta" 2>/dev/null) || have=""
  if [ "$have" = "$jobs" ] && q "SELECT 1 FROM $pristine.job_ops LIMIT 1" >/dev/null 2>&1; then
    note "reusing schema $schema ($jobs jobs) and $pristine"
  else
    have=""
  fi
fi
gen_us=""
if [ -z "$have" ]; then
  q "DROP DATABASE IF EXISTS \`$schema\`; DROP DATABASE IF EXISTS \`$pristine\`;
     CREATE DATABASE \`$schema\`; CREATE DATABASE \`$pristine\`;" mysql
  # The engine's tables and jobop's own, exactly as jobop creates them.
  "$jobop" --db "$db_url" init >init.out 2>init.err || die "jobop init failed: $(cat init.err)"
  t0=$EPOCHREALTIME
  "$here/gen_mysql.sh" --jobs "$jobs" -- "${client[@]}" "$schema"
  gen_us=$(elapsed_us "$t0")
  # The pristine copy of what the write workloads change (cancel without
  # --force and tick write job_ops and jobop_outbox only; master_meta is
  # checked unchanged at the end).
  q "CREATE TABLE \`$pristine\`.job_ops LIKE job_ops;
     INSERT INTO \`$pristine\`.job_ops SELECT * FROM job_ops;
     CREATE TABLE \`$pristine\`.jobop_outbox LIKE jobop_outbox;
     INSERT INTO \`$pristine\`.jobop_outbox SELECT * FROM jobop_outbox;"
fi
# Put job_ops and jobop_outbox back as generated, and let InnoDB settle so
# that every run starts from the same state: their dirty pages written
# (FLUSH TABLES … FOR EXPORT), the purge of earlier runs' history done.
restore() {
  q "TRUNCATE TABLE job_ops; INSERT INTO job_ops SELECT * FROM \`$pristine\`.job_ops;
     TRUNCATE TABLE jobop_outbox; INSERT INTO jobop_outbox SELECT * FROM \`$pristine\`.jobop_outbox;
     ANALYZE TABLE job_ops;" >/dev/null
  settle
}
settle() {
  local i history
  q "FLUSH TABLES job_ops, jobop_outbox FOR EXPORT; UNLOCK TABLES;"
  for ((i = 0; i < 100; i++)); do
    history=$(q "SELECT COUNT FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len'" mysql)
    [ "${history:-0}" -ge 100 ] || return 0
    sleep 0.1
  done
}

restore # a reused schema holds what the last run's single cancels left
master_checksum=$(q "CHECKSUM TABLE master_meta" | cut -f2)

# Ids for the bulk cancel and the single cancels: live jobs with no op yet,
# spread over the table; disjoint sets (the SQLite benchmark's choice).
q "$pick_cancel_ids_sql LIMIT $cancel_count" >cancel_ids.txt
q "$pick_cancel_ids_sql LIMIT $((single * 2)) OFFSET $cancel_count" >single_ids.txt
[ "$(wc -l <cancel_ids.txt)" = "$cancel_count" ] || die "found fewer than $cancel_count live jobs without an op"
head -n "$single" single_ids.txt >single_jobop.txt
tail -n +"$((single + 1))" single_ids.txt >single_mariadb.txt

canceling_before=$(q "SELECT count(*) FROM job_ops WHERE op = 2")
canceling_live=$(q "SELECT count(*) FROM job_ops o JOIN master_meta m ON m.id = o.job_id
    WHERE o.op = 2 AND m.deleted IS NULL AND m.state IN (1, 2)")
declare -A expected_canceling=([tick-none]=$canceling_live [cancel]=$((canceling_before + cancel_count)))
workloads=(status tick-none cancel)

# The command of one run of a workload by one side: sets `cmd`.
command_of() {
  case "$1/$2" in
    jobop/status) cmd=("$jobop" --db "$db_url" status -o jsonl) ;;
    jobop/tick-none) cmd=("$jobop" --db "$db_url" tick --router none) ;;
    jobop/cancel) cmd=("$jobop" --db "$db_url" cancel -) ;;
    mariadb/status) cmd=("${client[@]}" --batch --quick -e "$status_sql" "$schema") ;;
    mariadb/tick-none) cmd=("${client[@]}" --batch --quick -e "$tick_sql" "$schema") ;;
    mariadb/tick-updates) cmd=("${client[@]}" --batch --quick -e "$tick_updates_only_sql" "$schema") ;;
    mariadb/cancel) cmd=("${client[@]}" --batch --quick --local-infile=1
      -e "${cancel_sql//@FILE@/$workdir/cancel_ids.txt}" "$schema") ;;
  esac
}
input_of() { if [ "$1" = cancel ]; then echo cancel_ids.txt; else echo /dev/null; fi; }

# --- profiling: statements jobop sends per workload (untimed) ---------------
declare -A statements # workload -> "Command:count ..." of jobop's connection
if [ "$profile" = 1 ]; then
  read -r log_output_before general_log_before < <(q "SELECT @@global.log_output, @@global.general_log" mysql)
  log_saved=1
  for workload in "${workloads[@]}"; do
    [ "$workload" = status ] || restore
    q "SET GLOBAL general_log = 0; SET GLOBAL log_output = 'TABLE'; TRUNCATE TABLE mysql.general_log;
       SET GLOBAL general_log = 1;" mysql
    command_of jobop "$workload"
    "${cmd[@]}" <"$(input_of "$workload")" >/dev/null 2>err.txt || die "jobop $workload failed: $(tail -n 5 err.txt)"
    q "SET GLOBAL general_log = 0" mysql
    # jobop's connection: the one that ran neither SET GLOBAL nor the
    # benchmark's own queries (only jobop connects meanwhile).
    tid="SELECT thread_id FROM mysql.general_log GROUP BY thread_id
         HAVING SUM(argument LIKE '%general_log%') = 0 ORDER BY COUNT(*) DESC LIMIT 1"
    statements[$workload]=$(q "SELECT GROUP_CONCAT(CONCAT(command_type, ':', n) ORDER BY n DESC SEPARATOR ' ')
      FROM (SELECT command_type, COUNT(*) AS n FROM mysql.general_log
            WHERE thread_id = ($tid) GROUP BY command_type) t" mysql)
    if [ "$workload" = status ]; then
      q "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log
         WHERE thread_id = ($tid) AND command_type = 'Prepare' AND argument LIKE '%FROM%job_ops o%'" mysql \
        >status_prepared.txt
      printf '%s\n%s\n' "$status_jobs_sql" "$status_orphans_sql" >status_baseline.txt
      diff -u status_baseline.txt status_prepared.txt >status_sql.diff \
        || die "the client's status SELECTs differ from jobop's (general log); see $workdir/status_sql.diff"
    fi
    note "profile $workload: jobop sent ${statements[$workload]}"
  done
  q "SET GLOBAL log_output = '$log_output_before'; SET GLOBAL general_log = $general_log_before;
     TRUNCATE TABLE mysql.general_log;" mysql
  log_saved=""
fi

# --- workloads ----------------------------------------------------------------
sides=(jobop mariadb)
declare -A effect
for workload in "${workloads[@]}" tick-updates; do
  for rep in $(seq 1 "$reps"); do
    order=("${sides[@]}")
    if [ $((rep % 2)) = 0 ]; then order=(mariadb jobop); fi
    [ "$workload" != tick-updates ] || order=(mariadb)
    for side in "${order[@]}"; do
      [ -z "${timed_out[$side/$workload]:-}" ] || continue
      if [ "$workload" = status ]; then settle; else restore; fi
      command_of "$side" "$workload"
      measure "$side" "$workload" "$(input_of "$workload")" /dev/null "${cmd[@]}"
      if [ "$workload" = status ] || [ -n "${timed_out[$side/$workload]:-}" ]; then continue; fi
      canceling=$(q "SELECT count(*) FROM job_ops WHERE op = 2")
      expected=${expected_canceling[$workload]:-$canceling_live}
      [ "$canceling" = "$expected" ] \
        || die "$workload: $side left $canceling Canceling ops, expected $expected"
      got=$(q "$ops_summary_sql" | tr '\t\n' '= ')
      key=${workload/tick-updates/tick-none}
      if [ -z "${effect[$key]:-}" ]; then
        effect[$key]=$got
      elif [ "${effect[$key]}" != "$got" ]; then
        die "$workload: $side left '$got', the first run '${effect[$key]}'"
      fi
    done
  done
  note "$workload done${effect[$workload]:+; it leaves ${effect[$workload]}}"
done

# Rows each side lists for status (one untimed run each).
settle
status_rows_mariadb=$("${client[@]}" --batch --quick --skip-column-names -e "$status_sql" "$schema" | wc -l)
status_rows_jobop="(timed out)"
[ -n "${timed_out[jobop/status]:-}" ] \
  || status_rows_jobop=$("$jobop" --db "$db_url" status -o jsonl | wc -l)

# Single cancels: one process per id, jobop and the client taking turns (so
# that a change of the machine's load hits both alike); the time includes
# starting the process, connecting and authenticating, alike for both.
restore
single_us_jobop=()
single_us_mariadb=()
start_us_jobop=() # `jobop --version`: starting the process alone, for scale
exec 7<single_jobop.txt 8<single_mariadb.txt
for ((i = 0; i < single; i++)); do
  read -r jobop_id <&7
  read -r client_id <&8
  order=(jobop mariadb start)
  if [ $((i % 2)) = 1 ]; then order=(start mariadb jobop); fi
  for side in "${order[@]}"; do
    t0=$EPOCHREALTIME
    if [ "$side" = jobop ]; then
      "$jobop" --db "$db_url" cancel "$jobop_id" >/dev/null
      single_us_jobop+=("$(elapsed_us "$t0")")
    elif [ "$side" = start ]; then
      "$jobop" --version >/dev/null
      start_us_jobop+=("$(elapsed_us "$t0")")
    else
      "${client[@]}" --batch -e "${single_cancel_sql//@ID@/$client_id}" "$schema" >/dev/null
      single_us_mariadb+=("$(elapsed_us "$t0")")
    fi
  done
done
exec 7<&- 8<&-
canceled_singles=$(q "SELECT count(*) FROM job_ops WHERE op = 2")
[ "$canceled_singles" = $((canceling_before + single * 2)) ] \
  || die "single cancels left $canceled_singles Canceling ops, expected $((canceling_before + single * 2))"
[ "$(q "CHECKSUM TABLE master_meta" | cut -f2)" = "$master_checksum" ] \
  || die "master_meta changed during the benchmark"

# --- report -------------------------------------------------------------------
failures=0
# "p25–p75" of the microseconds given as arguments, in ms.
quartiles_ms() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { printf "%.1f–%.1f", v[int((NR + 3) / 4)] / 1e3, v[int((3 * NR + 3) / 4)] / 1e3 }'
}
ratio_of() { awk -v j="$1" -v s="$2" 'BEGIN { printf "%.2f", j / s }'; }
# shellcheck disable=SC2086 # the lists of numbers are split on purpose
{
  echo
  echo "jobs: $jobs, canceling ops: $canceling_before, bulk cancel: $cancel_count ids, repetitions: $reps (median; best in parentheses)"
  echo "server: MariaDB $server_version at $db_host:$db_port; buffer pool $(q "SELECT @@innodb_buffer_pool_size DIV 1048576" mysql) MiB, innodb_flush_log_at_trx_commit=$(q "SELECT @@innodb_flush_log_at_trx_commit" mysql)"
  [ -z "$gen_us" ] || echo "metastore: generated (jobop init + bench/gen_mysql.sh) in $(fmt_s "$gen_us") s"
  echo "jobop: $("$jobop" --version 2>&1 | head -n 1); client: $(mariadb --version | sed 's/,.*//')"
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "status rows: mariadb $status_rows_mariadb, jobop $status_rows_jobop"
  echo
  echo "| workload | jobop (s) | mariadb client (s) | jobop / client | target | jobop peak RSS (MiB) | client peak RSS (MiB) | result |"
  echo "|---|---|---|---|---|---|---|---|"
  for workload in "${workloads[@]}"; do
    case $workload in
      status) label="status -o jsonl (all jobs)"; limit=1.5 ;;
      tick-none) label="tick --router none"; limit=1.5 ;;
      cancel) label="cancel - ($cancel_count ids)"; limit=2 ;;
    esac
    s_med=$(median ${walls[mariadb/$workload]})
    s_min=$(printf '%s\n' ${walls[mariadb/$workload]} | sort -n | head -n 1)
    s_rss=$(maximum ${rsses[mariadb/$workload]})
    if [ -n "${timed_out[jobop/$workload]:-}" ]; then
      judge 0
      echo "| $label | > $run_timeout (timed out) | $(fmt_s "$s_med") | – | ≤ $limit | – | $(fmt_mib "$s_rss") | $verdict |"
      continue
    fi
    j_med=$(median ${walls[jobop/$workload]})
    j_min=$(printf '%s\n' ${walls[jobop/$workload]} | sort -n | head -n 1)
    j_rss=$(maximum ${rsses[jobop/$workload]})
    ratio=$(ratio_of "$j_med" "$s_med")
    judge "$(awk -v r="$ratio" -v l="$limit" 'BEGIN { print (r <= l) ? 1 : 0 }')"
    echo "| $label | $(fmt_s "$j_med") ($(fmt_s "$j_min")) | $(fmt_s "$s_med") ($(fmt_s "$s_min")) | $ratio ($(ratio_of "$j_min" "$s_min")) | ≤ $limit | $(fmt_mib "$j_rss") | $(fmt_mib "$s_rss") | $verdict |"
  done
  u_med=$(median ${walls[mariadb/tick-updates]})
  echo "| (for scale) the tick's two UPDATEs alone, client | – | $(fmt_s "$u_med") | $(ratio_of "$(median ${walls[jobop/tick-none]:-0})" "$u_med") | – | – | $(fmt_mib "$(maximum ${rsses[mariadb/tick-updates]})") | – |"
  echo
  echo "| absolute target | jobop | mariadb client (for scale) | target | result |"
  echo "|---|---|---|---|---|"
  j_single=$(median "${single_us_jobop[@]}")
  s_single=$(median "${single_us_mariadb[@]}")
  judge $((j_single < 20000 ? 1 : 0))
  echo "| one \`cancel ID\` process, median of $single (ms; p25–p75) | $(fmt_ms "$j_single") ($(quartiles_ms "${single_us_jobop[@]}")) | $(fmt_ms "$s_single") ($(quartiles_ms "${single_us_mariadb[@]}")) | < 20 | $verdict |"
  echo "| (for scale) \`jobop --version\`: starting a process alone, median of $single (ms; p25–p75) | $(fmt_ms "$(median "${start_us_jobop[@]}")") ($(quartiles_ms "${start_us_jobop[@]}")) | – | – | – |"
  if [ -n "${timed_out[jobop/status]:-}" ]; then
    judge 0
    echo "| \`status -o jsonl\` of all jobs, peak RSS (MiB) | – (timed out) | $(fmt_mib "$(maximum ${rsses[mariadb/status]})") | < 64 | $verdict |"
  else
    j_status_rss=$(maximum ${rsses[jobop/status]})
    judge $((j_status_rss < 65536 ? 1 : 0))
    echo "| \`status -o jsonl\` of all jobs, peak RSS (MiB) | $(fmt_mib "$j_status_rss") | $(fmt_mib "$(maximum ${rsses[mariadb/status]})") | < 64 | $verdict |"
  fi
  if [ "$profile" = 1 ]; then
    echo
    echo "| workload | statements jobop sent (general log, by command) |"
    echo "|---|---|"
    for workload in "${workloads[@]}"; do
      echo "| $workload | ${statements[$workload]} |"
    done
  fi
  echo
}
if [ "$failures" -gt 0 ]; then
  note "$failures target(s) missed"
  exit 1
fi
note "every target met"
