# shellcheck shell=bash
# Timing, statistics and the report of bench/bench_metastore.sh. Sourced, not
# run. Wall times are kept in microseconds (bash's EPOCHREALTIME), peak RSS in
# KiB (GNU time's %M).

declare -A walls # "side/workload" -> space-separated microseconds
declare -A rsses # "side/workload" -> space-separated KiB

# Microseconds since `$1`, an EPOCHREALTIME reading.
elapsed_us() {
  local t1=$EPOCHREALTIME
  local a=${1/[.,]/} b=${t1/[.,]/}
  echo $((10#$b - 10#$a))
}

# `$1` microseconds as seconds with 3 decimals; as milliseconds with 2.
fmt_s() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1e6 }'; }
fmt_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1e3 }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Median of the numbers given as arguments (the mean of the two middle ones
# for an even count).
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
    END { if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}
maximum() { printf '%s\n' "$@" | sort -n | tail -n 1; }

# A fresh copy of database `$1` at `$2`, on disk: synced, so that a commit's
# fsync in the measured run does not also flush the copy's dirty pages.
fresh_copy() {
  rm -f "$2" "$2-wal" "$2-shm"
  cp "$1" "$2"
  sync "$2"
}

declare -A timed_out # "side/workload" -> 1 once a run passed --run-timeout

# shellcheck disable=SC2154 # run_timeout: a flag of bench_metastore.sh
# Run the command after the first four arguments with stdin `$3` and stdout
# `$4`, killed after `run_timeout` seconds; record its wall time and peak RSS
# (the command's: `timeout` itself is smaller) under side `$1`, workload
# `$2`, or mark the pair timed out. A failing run stops the benchmark.
measure() {
  local side=$1 workload=$2 in=$3 out=$4
  shift 4
  local t0=$EPOCHREALTIME rc=0
  /usr/bin/time -f %M -o rss.txt timeout --kill-after=5 "$run_timeout" "$@" \
    <"$in" >"$out" 2>err.txt || rc=$?
  local us
  us=$(elapsed_us "$t0")
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    timed_out[$side/$workload]=1
    echo "${bench_name:-bench_metastore}: $side $workload passed the run timeout of $run_timeout s; not run again" >&2
    return 0
  fi
  [ "$rc" = 0 ] || die "$side $workload failed (exit $rc): $(tail -n 5 err.txt)"
  walls[$side/$workload]+="$us "
  rsses[$side/$workload]+="$(tail -n 1 rss.txt) "
}

failures=0
# Set `verdict` to the result cell for `$1` (1: target met) and count a miss.
judge() {
  if [ "$1" = 1 ]; then verdict="met"; else failures=$((failures + 1)); verdict="**missed**"; fi
}

# The results: conditions, one row per workload, and the absolute targets.
# Reads the globals of bench_metastore.sh; the lists of numbers are split on
# purpose.
# shellcheck disable=SC2086,SC2154
report() {
  local version="(not run)"
  [ "$baseline_only" = 1 ] || version=$("$jobop" --version 2>&1 | head -n 1)
  echo
  echo "jobs: $jobs, canceling ops: $((jobs / 10)), bulk cancel: $cancel_count ids, repetitions: $reps"
  echo "metastore: $(stat -c %s master.db) bytes, generated in $(fmt_s "$gen_us") s"
  echo "jobop: $version; sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "status rows: sqlite3 $status_rows_sqlite3${status_rows_jobop:+, jobop $status_rows_jobop}"
  echo
  echo "| workload | jobop median (s) | sqlite3 median (s) | jobop / sqlite3 | target | jobop peak RSS (MiB) | sqlite3 peak RSS (MiB) | result |"
  echo "|---|---|---|---|---|---|---|---|"
  local workload label
  for workload in "${workloads[@]}"; do
    case $workload in
      status) label="status -o jsonl (all jobs)" ;;
      tick-*) label="tick --router ${workload#tick-}" ;;
      cancel) label="cancel - ($cancel_count ids)" ;;
    esac
    local s_med s_rss
    s_med=$(median ${walls[sqlite3/$workload]})
    s_rss=$(maximum ${rsses[sqlite3/$workload]})
    if [ "$baseline_only" = 1 ]; then
      echo "| $label | pending | $(fmt_s "$s_med") | pending | ≤ 1.5 | pending | $(fmt_mib "$s_rss") | pending |"
      continue
    fi
    if [ -n "${timed_out[jobop/$workload]:-}" ]; then
      judge 0
      echo "| $label | > $run_timeout (timed out) | $(fmt_s "$s_med") | > $(awk -v t="$run_timeout" -v s="$s_med" 'BEGIN { printf "%.1f", t * 1e6 / s }') | ≤ 1.5 | – | $(fmt_mib "$s_rss") | $verdict |"
      continue
    fi
    local j_med j_rss ratio ok
    j_med=$(median ${walls[jobop/$workload]})
    j_rss=$(maximum ${rsses[jobop/$workload]})
    ratio=$(awk -v j="$j_med" -v s="$s_med" 'BEGIN { printf "%.2f", j / s }')
    ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5) ? 1 : 0 }')
    judge "$ok"
    echo "| $label | $(fmt_s "$j_med") | $(fmt_s "$s_med") | $ratio | ≤ 1.5 | $(fmt_mib "$j_rss") | $(fmt_mib "$s_rss") | $verdict |"
  done
  echo
  echo "| absolute target | jobop | sqlite3 shell (for scale) | target | result |"
  echo "|---|---|---|---|---|"
  local s_single
  s_single=$(median "${single_us_sqlite3[@]}")
  if [ "$baseline_only" = 1 ]; then
    echo "| one \`cancel ID\` process, median of $single (ms) | pending | $(fmt_ms "$s_single") | < 5 | pending |"
    echo "| \`status -o jsonl\` of all jobs, peak RSS (MiB) | pending | $(fmt_mib "$(maximum ${rsses[sqlite3/status]})") | < 64 | pending |"
    return 0
  fi
  local j_single j_status_rss
  j_single=$(median "${single_us_jobop[@]}")
  j_status_rss=$(maximum ${rsses[jobop/status]:-0})
  judge $((j_single < 5000 ? 1 : 0))
  echo "| one \`cancel ID\` process, median of $single (ms) | $(fmt_ms "$j_single") | $(fmt_ms "$s_single") | < 5 | $verdict |"
  local shown_rss
  shown_rss=$(fmt_mib "$j_status_rss")
  if [ -n "${timed_out[jobop/status]:-}" ]; then
    judge 0
    shown_rss="– (timed out)"
  else
    judge $((j_status_rss < 65536 ? 1 : 0))
  fi
  echo "| \`status -o jsonl\` of all jobs, peak RSS (MiB) | $shown_rss | $(fmt_mib "$(maximum ${rsses[sqlite3/status]})") | < 64 | $verdict |"
  echo
  if [ "$failures" -gt 0 ]; then
    echo "bench_metastore: $failures target(s) missed" >&2
    return 1
  fi
  echo "bench_metastore: every target met" >&2
}
