#!/usr/bin/env bash
# The zsh script of `jobop completion zsh`, on $fpath of a real zsh with
# compinit: it must register for jobop and offer subcommands, flags, values
# and job ids. compadd and _describe, which only work inside the line
# editor, are replaced by functions printing what they were given that
# matches the word, as they would offer it.
# Usage: completion_zsh.sh JOBOP
source "$(dirname "$0")/lib.sh"
jobop=$1
if ! command -v zsh >/dev/null; then
  echo "zsh is not installed (Debian: zsh)" >&2
  exit 1
fi
mkdir "$work/bin" "$work/functions" "$work/elsewhere"
ln -s "$jobop" "$work/bin/jobop"
export PATH=$work/bin:$PATH
make_metastore jobop "$work/m.db"
jobop completion zsh >"$work/functions/_jobop"
cd "$work/elsewhere"

cat >"$work/harness.zsh" <<'ZSH'
fpath=($1 $fpath)
autoload -U compinit && compinit -u -d $1/../zcompdump
print -r -- "registered: ${_comps[jobop]}"
compadd() {
  local name v
  while (($#)); do case $1 in -a) name=$2; shift 2 ;; *) shift ;; esac; done
  for v in ${(P)name}; do [[ $v == ${PREFIX}* ]] && print -r -- $v; done
}
_describe() {
  local v
  for v in ${(P)${@[-1]}}; do v=${v%%:*}; [[ $v == ${PREFIX}* ]] && print -r -- $v; done
}
_files() { print -r -- '<files>'; }
shift
words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
_jobop | sort | tr '\n' ' ' | sed 's/ $//'
ZSH
complete_line() { zsh -f "$work/harness.zsh" "$work/functions" "$@" | tail -n 1; }

check_eq "compinit registers _jobop for jobop" "registered: _jobop" \
  "$(zsh -f "$work/harness.zsh" "$work/functions" jobop st | head -n 1)"
check_eq "a subcommand" "status" "$(complete_line jobop st)"
check_eq "a nested subcommand" "set-state" "$(complete_line jobop job s)"
check_eq "a flag" "--wait" "$(complete_line jobop cancel --wa)"
check_eq "job ids from --db" "alpha-1 alpha-2" "$(complete_line jobop --db "$work/m.db" cancel al)"
check_eq "job ids from JOBOP_DB" "alpha-1 alpha-2 beta" \
  "$(JOBOP_DB=$work/m.db complete_line jobop status '')"
check_eq "state names" "canceled canceling" "$(complete_line jobop status --state can)"
check_eq "routers" "exec none outbox" "$(complete_line jobop tick --router '')"
check_eq "a file" "<files>" "$(complete_line jobop backoff-sim --trace '')"
finish
