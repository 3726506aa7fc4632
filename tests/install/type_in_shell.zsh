# Types command lines into an interactive shell on a pseudo-terminal (zsh's
# zpty), as a person at a keyboard would, Tabs and all, and prints each line
# as the shell's line editor then holds it: what completion made of it.
# The shell starts with the prompt "ready> " and sources SETUP, which must
# bind Ctrl-T to print the line being edited as <<<LINE>>> and then empty
# it. Emptying it there, not with a key typed after, matters: while a
# binding runs, a shell may hand the terminal back to the line discipline,
# which would eat a Ctrl-U typed then; plain text and Tabs it only holds.
# Every wait reads the terminal until what it waits for shows, or fails
# after 10 seconds: no sleeps, so a slow machine is only slower.
# Usage: zsh -f type_in_shell.zsh SETUP SHELL [ARG...] -- LINE...
zmodload zsh/zpty zsh/system zsh/datetime || exit 1
setup=$1
shift
command=()
while [[ $1 != -- ]]; do
  command+=($1)
  shift
done
shift
export PS1='ready> ' INPUTRC=/dev/null TERM=xterm
zpty -b shell "${(q)command[@]}" || exit 1
fd=$REPLY
shown=''

# Read the terminal into $shown until it matches the pattern $1.
await() {
  local chunk deadline=$((EPOCHREALTIME + 10))
  while [[ $shown != $~1 ]]; do
    if ((EPOCHREALTIME >= deadline)); then
      print -ru2 -- "timed out waiting for $1; the terminal showed: ${(q+)shown}"
      zpty -d shell
      exit 1
    fi
    sysread -t $((deadline - EPOCHREALTIME)) -i $fd chunk
    case $? in
      0) shown+=$chunk ;;
      4) ;; # timed out: the loop says so
      *)
        print -ru2 -- "the shell ended; the terminal showed: ${(q+)shown}"
        exit 1 ;;
    esac
  done
}

# Typing before the line editor has put the terminal in raw mode would let
# the terminal's line discipline eat the keys: wait for each prompt.
await '*ready> *'
shown=''
zpty -w shell "source ${(q)setup}"
await '*ready> *'
for line; do
  shown=''
  zpty -w -n shell "$line"$'\C-t'
  await '*<<<*>>>*'
  print -r -- "${${shown#*<<<}%%>>>*}"
done
zpty -d shell
