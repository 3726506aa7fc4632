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

# Lines typed into one interactive shell on a pseudo-terminal
# (type_in_shell.zsh), one session for many lines: a shell with compinit
# takes longer to start than to complete. expect_typed WHAT EXPECTED LINE
# adds a line and what the shell's line must hold after it; check_typed
# SETUP SHELL [ARG...] types them all and checks each.
typed_whats=()
typed_expected=()
typed_lines=()
expect_typed() {
  typed_whats+=("$1")
  typed_expected+=("$2")
  typed_lines+=("$3")
}
check_typed() {
  local -a got
  local i
  mapfile -t got < <(zsh -f "$install_tests/type_in_shell.zsh" "$@" -- "${typed_lines[@]}")
  for i in "${!typed_lines[@]}"; do
    check_eq "typed: ${typed_whats[i]}" "${typed_expected[i]}" "${got[i]-}"
  done
  typed_whats=()
  typed_expected=()
  typed_lines=()
}
