#!/usr/bin/env bash
# The man page the build generated: groff renders it without a single
# warning (-ww: all of them), man(1) shows it, and it matches what the binary
# says (`jobop help --man`) and names every command `jobop --help` lists.
# Usage: man_page.sh JOBOP MANFILE
source "$(dirname "$0")/lib.sh"
jobop=$1
page=$2
check_eq "the build's page is the binary's" "$("$jobop" help --man)" "$(cat "$page")"
check_eq "groff -man -ww: no warnings" "" "$(groff -man -ww -z "$page" 2>&1)"
check_eq "groff -man -ww -Tutf8: no warnings" "" "$(groff -man -ww -Tutf8 "$page" 2>&1 >/dev/null)"
# One line of words: what wraps where does not matter here.
rendered=$(MANWIDTH=100 man -l "$page" 2>"$work/man.err" | col -b | tr -s '[:space:]' ' ')
check_eq "man -l: nothing on stderr" "" "$(cat "$work/man.err")"
for section in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS ENVIRONMENT "EXIT STATUS"; do
  check_contains "section $section" "$section" "$rendered"
done
check_contains "the global --db" "--db PATH|URL" "$rendered"
check_contains "a nested command" "jobop job set-state ID STATE" "$rendered"
check_contains "an enum's values" "one of: outbox, exec, none" "$rendered"
commands=$("$jobop" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
for command in $commands; do
  check_contains "command $command" "jobop $command" "$rendered"
done
finish
