#!/usr/bin/env bash
# The bash script of `jobop completion bash`, loaded in bash and driven as
# bash drives it (COMP_WORDS, COMP_CWORD, then COMPREPLY): subcommands,
# flags, values and job ids from the metastore the command line names; then
# typed with Tab into an interactive bash on a pseudo-terminal (zsh's zpty:
# type_in_shell.zsh), where readline splits the words itself.
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

# --flag=value: bash splits at "=" (COMP_WORDBREAKS) and replaces only the
# value; where "=" does not split, the whole word.
check_eq "--output=, split at =" "json jsonl table wide" "$(complete_line jobop status --output =)"
check_eq "--output=j, split at =" "json jsonl" "$(complete_line jobop status --output = j)"
check_eq "--output=j, one word" "--output=json --output=jsonl" \
  "$(complete_line jobop status --output=j)"
check_eq "--op=" "canceled canceling none noop" "$(complete_line jobop status --op =)"
check_eq "--router=" "exec none outbox" "$(complete_line jobop cancel --router =)"
check_eq "--db= files" "$work/policy.toml" "$(complete_line jobop --db = "$work/pol")"
check_eq "job ids from --db=" "alpha-1 alpha-2" \
  "$(complete_line jobop --db = "$work/m.db" cancel al)"
check_eq "job ids from --db=, one word" "alpha-1 alpha-2" \
  "$(complete_line jobop cancel "--db=$work/m.db" beta al)"
check_eq "a flag without a value takes none" "" "$(complete_line jobop status --all =)"

if ! command -v zsh >/dev/null; then
  echo "zsh is not installed (Debian: zsh): it drives bash on a pseudo-terminal" >&2
  exit 1
fi
"$jobop" init --demo --db "$work/demo.db" >/dev/null
mkdir "$work/files"
touch "$work/files/meta.db"
cat >"$work/setup.bash" <<BASH
source $work/jobop.bash
bind -x '"\\C-t": printf "<<<%s>>>\\n" "\$READLINE_LINE"; READLINE_LINE='
BASH
tab=$'\t'
expect_typed "a subcommand" "jobop status " "jobop sta$tab"
expect_typed "--output=" "jobop status --output=wide " "jobop status --output=w$tab"
expect_typed "--state=" "jobop status --state=canceling " "jobop status --state=canceli$tab"
expect_typed "--router=" "jobop tick --router=outbox " "jobop tick --router=o$tab"
expect_typed "--db= a file" "jobop --db=$work/files/meta.db " "jobop --db=$work/files/me$tab"
expect_typed "a job id from --db=" "jobop --db=$work/demo.db cancel payments-cdc-orders " \
  "jobop --db=$work/demo.db cancel payments-cdc-o$tab"
expect_typed "job ids' common prefix" "jobop cancel --db $work/demo.db payments-" \
  "jobop cancel --db $work/demo.db pay$tab"
check_typed "$work/setup.bash" bash --norc --noprofile -i
finish
