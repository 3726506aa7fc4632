#!/usr/bin/env bash
# Benchmark a from-scratch build of the `jobop` binary (what scripts/demo
# builds), in the same run against its baseline: the same tree with every
# file compiled on its own (-DJOBOP_UNITY_BUILD=OFF) against the batches the
# build uses by default (ON). RelWithDebInfo, without ccache, -j of the
# machine's cores. Prints a Markdown table (wall time, CPU time summed over
# every compiler, the number of compiler runs, the costliest ones) and exits
# 1 when the default build's wall time misses the target (0 when met, 2 on
# bad usage).
#
#   bench/bench_build.sh [--target-seconds S] [--jobs J] [--workdir DIR] [--keep]
#
# Defaults: 90 s (issue 9: the binary under 90 s on a 2-core machine),
# nproc jobs, a temporary work directory (removed unless --keep). The wall
# time depends on what else the machine runs: the load average before and
# after each build is printed beside it; the CPU time hardly does.
# Needs cmake, a C++ compiler and GNU time (/usr/bin/time, Debian `time`).
set -euo pipefail

usage() { sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "bench_build: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
target_seconds=90 jobs=$(nproc) workdir="" keep=0
while [ $# -gt 0 ]; do
  case $1 in
  --target-seconds) target_seconds=${2:?}; shift 2 ;;
  --jobs) jobs=${2:?}; shift 2 ;;
  --workdir) workdir=${2:?}; shift 2 ;;
  --keep) keep=1; shift ;;
  -h | --help) usage ;;
  *) echo "bench_build: unknown argument $1" >&2; usage ;;
  esac
done
[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install time)"
if [ -z "$workdir" ]; then
  workdir=$(mktemp -d)
  [ "$keep" = 1 ] || trap 'rm -rf "$workdir"' EXIT
fi
mkdir -p "$workdir"

# Each compiler run appends "user sys object" to $workdir/<name>.compiles.
launcher=$workdir/timed-compile
cat >"$launcher" <<'EOF'
#!/usr/bin/env bash
out="" prev=""
for arg in "$@"; do [ "$prev" = -o ] && out=$arg; prev=$arg; done
exec /usr/bin/time -f "%U %S $out" -a -o "$JOBOP_BENCH_COMPILES" "$@"
EOF
chmod +x "$launcher"

load() { cut -d' ' -f1 /proc/loadavg; }

# build NAME UNITY: configure and build into $workdir/NAME; set wall, cpu, runs, costliest.
build() {
  local name=$1 unity=$2 dir=$workdir/$1
  rm -rf "$dir" "$workdir/$name.compiles"
  CCACHE_DISABLE=1 cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DJOBOP_UNITY_BUILD="$unity" -DJOBOP_BUILD_TESTS=OFF -DJOBOP_BUILD_BENCH=OFF \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" >"$workdir/$name.configure" 2>&1 ||
    die "configure of $name failed: $workdir/$name.configure"
  load_before=$(load)
  local start end
  start=$(date +%s.%N)
  JOBOP_BENCH_COMPILES=$workdir/$name.compiles CCACHE_DISABLE=1 \
    cmake --build "$dir" -j "$jobs" --target jobop >"$workdir/$name.log" 2>&1 ||
    die "build of $name failed: $workdir/$name.log"
  end=$(date +%s.%N)
  load_after=$(load)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  cpu=$(awk '{ t += $1 + $2 } END { printf "%.1f", t }' "$workdir/$name.compiles")
  runs=$(wc -l <"$workdir/$name.compiles")
  # "jobop_core/unity_0_cxx.cxx.o 32.0 s": the target and the object.
  costliest=$(awk '{ n = split($3, p, "/"); t = ""
      for (i = 1; i < n; i++) if (p[i] ~ /\.dir$/) t = substr(p[i], 1, length(p[i]) - 4) "/"
      printf "%.1f %s%s\n", $1 + $2, t, p[n] }' \
    "$workdir/$name.compiles" | sort -rn | head -3 | awk '{ printf "%s%s %s s", sep, $2, $1; sep = ", " }')
}

build baseline OFF
b_wall=$wall b_cpu=$cpu b_runs=$runs b_costliest=$costliest b_load="$load_before → $load_after"
build batches ON
u_wall=$wall u_cpu=$cpu u_runs=$runs u_costliest=$costliest u_load="$load_before → $load_after"

echo "| build of jobop ($jobs jobs) | wall | CPU (user + sys) | compiler runs | load average | costliest |"
echo "|---|---|---|---|---|---|"
echo "| baseline: each file on its own | $b_wall s | $b_cpu s | $b_runs | $b_load | $b_costliest |"
echo "| default: batches (JOBOP_UNITY_BUILD) | $u_wall s | $u_cpu s | $u_runs | $u_load | $u_costliest |"
awk -v bw="$b_wall" -v uw="$u_wall" -v bc="$b_cpu" -v uc="$u_cpu" 'BEGIN {
  printf "\nratio (default / baseline): wall %.2f, CPU %.2f\n", uw / bw, uc / bc }'
if awk -v w="$u_wall" -v t="$target_seconds" 'BEGIN { exit !(w <= t) }'; then
  echo "target met: the default build took $u_wall s (target $target_seconds s)"
else
  echo "target MISSED: the default build took $u_wall s (target $target_seconds s)"
  exit 1
fi
