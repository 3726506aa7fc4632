#!/usr/bin/env bash
# The zsh script of `jobop completion zsh`, on $fpath of an interactive
# `zsh -f` with compinit, on a pseudo-terminal (zpty: type_in_shell.zsh):
# lines are typed with Tab and read back from the line editor, so the real
# completion widget runs the real _jobop with the real compadd, _describe
# and _files. Job ids come from a metastore `jobop init --demo` made.
# Usage: completion_zsh.sh JOBOP
source "$(dirname "$0")/lib.sh"
jobop=$1
if ! command -v zsh >/dev/null; then
  echo "zsh is not installed (Debian: zsh)" >&2
  exit 1
fi
mkdir "$work/bin" "$work/functions" "$work/elsewhere" "$work/files"
ln -s "$jobop" "$work/bin/jobop"
export PATH=$work/bin:$PATH
jobop init --demo --db "$work/demo.db" >/dev/null
touch "$work/files/meta.db"
jobop completion zsh >"$work/functions/_jobop"
cat >"$work/setup.zsh" <<ZSH
fpath=($work/functions \$fpath)
autoload -U compinit && compinit -u -D
show-and-empty-line() { print -r -- "<<<\$BUFFER>>>"; BUFFER=; }
zle -N show-and-empty-line
bindkey '^T' show-and-empty-line
ZSH
cd "$work/elsewhere" # no ./jobop.db here: ids must come from --db

tab=$'\t'
db=$work/demo.db
expect_typed "a subcommand" "jobop status " "jobop sta$tab"
expect_typed "a nested subcommand" "jobop job set-state " "jobop job s$tab"
expect_typed "a flag" "jobop cancel --wait " "jobop cancel --wa$tab"
expect_typed "a state" "jobop status --state canceling " "jobop status --state canceli$tab"
expect_typed "a router" "jobop tick --router outbox " "jobop tick --router o$tab"
expect_typed "--output=" "jobop status --output=wide " "jobop status --output=w$tab"
expect_typed "--op=" "jobop status --op=noop " "jobop status --op=noo$tab"
expect_typed "--router=" "jobop cancel --router=exec " "jobop cancel --router=e$tab"
expect_typed "a file" "jobop backoff-sim --trace $work/files/meta.db " \
  "jobop backoff-sim --trace $work/files/me$tab"
expect_typed "--db= a file" "jobop --db=$work/files/meta.db " "jobop --db=$work/files/me$tab"
expect_typed "a job id from --db" "jobop --db $db cancel payments-cdc-orders " \
  "jobop --db $db cancel payments-cdc-o$tab"
expect_typed "a job id from --db= after the command" "jobop cancel --db=$db search-cdc-index " \
  "jobop cancel --db=$db search-c$tab"
expect_typed "job ids' common prefix" "jobop cancel --db $db payments-" "jobop cancel --db $db pay$tab"
expect_typed "a state after a job id" "jobop --db $db job set-state search-cdc-index canceled " \
  "jobop --db $db job set-state search-cdc-index canc$tab"
expect_typed "no ids from a missing metastore" "jobop --db $work/missing.db cancel pay" \
  "jobop --db $work/missing.db cancel pay$tab"
check_typed "$work/setup.zsh" zsh -f -i
check_eq "the missing metastore was not created" "no" \
  "$([ -e "$work/missing.db" ] && echo yes || echo no)"
expect_typed "a job id from JOBOP_DB" "jobop status analytics-fake-etl " "jobop status analytics-f$tab"
JOBOP_DB=$db check_typed "$work/setup.zsh" zsh -f -i
finish
