# Shared by the install tests: a throwaway directory and checks that name
# what differed. Sourced, not run.
set -euo pipefail
install_tests=$(cd "$(dirname "$0")" && pwd) # for the scripts beside the test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
  if [ "$2" != "$3" ]; then
    printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
    failures=$((failures + 1))
  else
    printf 'ok: %s\n' "$1"
  fi
}

# check_contains WHAT NEEDLE HAYSTACK
check_contains() {
  case "$3" in
    *"$2"*) printf 'ok: %s\n' "$1" ;;
    *)
      printf 'FAIL: %s\n  expected to contain: %s\n  actual: %s\n' "$1" "$2" "$3" >&2
      failures=$((failures + 1)) ;;
  esac
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
}

# make_metastore JOBOP PATH: a metastore with jobs alpha-1, alpha-2, beta.
make_metastore() {
  "$1" --db "$2" init >/dev/null
  for id in alpha-1 alpha-2 beta; do
    "$1" --db "$2" job put "$id" --type CDC --state running >/dev/null
  done
}
