#!/usr/bin/env bash
# The bash script of `jobop completion bash`, loaded in bash and driven as
# bash drives it (COMP_WORDS, COMP_CWORD, then COMPREPLY): subcommands,
# flags, values and job ids from the metastore the command line names.
# Usage: completion_bash.sh JOBOP
source "$(dirname "$0")/lib.sh"
jobop=$1
mkdir "$work/bin" "$work/elsewhere"
ln -s "$jobop" "$work/bin/jobop"
export PATH=$work/bin:$PATH
make_metastore jobop "$work/m.db"
jobop completion bash >"$work/jobop.bash"
source "$work/jobop.bash"
cd "$work/elsewhere" # no ./jobop.db here: ids must come from --db

complete_line() { # the words of a command line, the last one being completed
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _jobop
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

check_eq "registered for jobop" "complete -F _jobop jobop" "$(complete -p jobop)"
check_eq "a subcommand" "status" "$(complete_line jobop st)"
check_eq "every subcommand" "backoff-sim cancel completion help history init job status tick" \
  "$(complete_line jobop '')"
check_eq "a nested subcommand" "set-state" "$(complete_line jobop job s)"
check_eq "a flag" "--wait" "$(complete_line jobop cancel --wa)"
check_eq "a global flag after the command" "--db" "$(complete_line jobop status --d)"
check_eq "job ids from --db" "alpha-1 alpha-2" "$(complete_line jobop --db "$work/m.db" cancel al)"
check_eq "job ids from --db after the command, after another id" "alpha-1 alpha-2" \
  "$(complete_line jobop cancel --db "$work/m.db" beta al)"
check_eq "job ids from JOBOP_DB" "alpha-1 alpha-2 beta" \
  "$(JOBOP_DB=$work/m.db complete_line jobop status '')"
check_eq "no ids from a missing metastore, and no error" "" \
  "$(complete_line jobop --db "$work/missing.db" cancel al 2>&1)"
check_eq "the missing metastore was not created" "no" "$([ -e "$work/missing.db" ] && echo yes || echo no)"
check_eq "state names" "canceled canceling" "$(complete_line jobop status --state can)"
check_eq "states a row can hold" "canceled created failed finished init running stopped uninit" \
  "$(complete_line jobop job set-state alpha-1 '')"
check_eq "routers" "exec none outbox" "$(complete_line jobop tick --router '')"
check_eq "formats" "json jsonl table wide" "$(complete_line jobop status -o '')"
check_eq "shells" "bash fish zsh" "$(complete_line jobop completion '')"
touch "$work/policy.toml"
check_eq "a file" "$work/policy.toml" "$(complete_line jobop backoff-sim --config "$work/pol")"
finish
