#!/usr/bin/env bash
# The fish script of `jobop completion fish`, loaded in fish and asked with
# `complete -C` exactly as fish asks it when Tab is pressed.
# Usage: completion_fish.sh JOBOP
source "$(dirname "$0")/lib.sh"
jobop=$1
if ! command -v fish >/dev/null; then
  echo "fish is not installed (Debian: fish)" >&2
  exit 1
fi
mkdir "$work/bin" "$work/elsewhere" "$work/home"
ln -s "$jobop" "$work/bin/jobop"
export PATH=$work/bin:$PATH HOME=$work/home XDG_CONFIG_HOME=$work/home XDG_DATA_HOME=$work/home
make_metastore jobop "$work/m.db"
jobop completion fish >"$work/jobop.fish"
cd "$work/elsewhere"

complete_line() { # the command line; prints the candidates without descriptions
  fish --no-config -c "source $work/jobop.fish; complete -C '$1'" | cut -f1 | sort | tr '\n' ' ' |
    sed 's/ $//'
}

check_eq "a subcommand" "status" "$(complete_line 'jobop st')"
check_eq "a nested subcommand" "set-state" "$(complete_line 'jobop job s')"
check_eq "a flag" "--wait" "$(complete_line 'jobop cancel --wa')"
check_eq "job ids from --db" "alpha-1 alpha-2" "$(complete_line "jobop --db $work/m.db cancel al")"
check_eq "job ids from --db after the command" "alpha-1 alpha-2" \
  "$(complete_line "jobop cancel --db $work/m.db beta al")"
check_eq "job ids from JOBOP_DB" "alpha-1 alpha-2 beta" \
  "$(JOBOP_DB=$work/m.db complete_line 'jobop status ')"
check_eq "state names" "canceled canceling" "$(complete_line 'jobop status --state can')"
check_eq "routers" "exec none outbox" "$(complete_line 'jobop tick --router ')"
check_eq "shells" "bash fish zsh" "$(complete_line 'jobop completion ')"
# --flag=value: fish completes the value after "=" itself, and the walk
# reads --db=FILE as it reads --db FILE.
check_eq "--output=" "--output=json --output=jsonl --output=table --output=wide" \
  "$(complete_line 'jobop status --output=')"
check_eq "--op=" "--op=canceled --op=canceling" "$(complete_line 'jobop status --op=can')"
check_eq "--router=" "--router=outbox" "$(complete_line 'jobop cancel --router=o')"
touch "$work/policy.toml"
check_eq "--db= files" "--db=$work/policy.toml" "$(complete_line "jobop --db=$work/pol")"
check_eq "job ids from --db=" "alpha-1 alpha-2" "$(complete_line "jobop --db=$work/m.db cancel al")"
check_eq "job ids from --db= after the command" "alpha-1 alpha-2" \
  "$(complete_line "jobop cancel --db=$work/m.db beta al")"
finish
