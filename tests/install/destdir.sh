#!/usr/bin/env bash
# `cmake --install` into a DESTDIR, checked file by file: exactly the files
# of the layout, each the same as what the built binary generates (or the
# source docs), and the installed binary runs.
# Usage: destdir.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/lib.sh"
build=$1
source_dir=$2
root=$work/root
DESTDIR=$root cmake --install "$build" --prefix /usr >"$work/install.log"

expected="usr/bin/jobop
usr/share/bash-completion/completions/jobop
usr/share/fish/vendor_completions.d/jobop.fish
usr/share/man/man1/jobop.1
usr/share/zsh/vendor-completions/_jobop
usr/share/doc/jobop/README.md"
for doc in "$source_dir"/docs/*.md; do
  expected+=$'\n'"usr/share/doc/jobop/$(basename "$doc")"
done
check_eq "exactly the files of the layout" "$(sort <<<"$expected")" \
  "$(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort)"

jobop=$root/usr/bin/jobop
check_eq "bin/jobop is executable" "yes" "$([ -x "$jobop" ] && echo yes || echo no)"
check_contains "the installed jobop runs" "jobop " "$("$jobop" --version)"
check_eq "man page" "$("$jobop" help --man)" "$(cat "$root/usr/share/man/man1/jobop.1")"
check_eq "bash completion" "$("$jobop" completion bash)" \
  "$(cat "$root/usr/share/bash-completion/completions/jobop")"
check_eq "zsh completion" "$("$jobop" completion zsh)" \
  "$(cat "$root/usr/share/zsh/vendor-completions/_jobop")"
check_eq "fish completion" "$("$jobop" completion fish)" \
  "$(cat "$root/usr/share/fish/vendor_completions.d/jobop.fish")"
for doc in "$source_dir"/README.md "$source_dir"/docs/*.md; do
  check_eq "doc $(basename "$doc")" "same" \
    "$(cmp -s "$doc" "$root/usr/share/doc/jobop/$(basename "$doc")" && echo same || echo differs)"
done
check_eq "man finds the installed page by name" "yes" \
  "$(MANPATH=$root/usr/share/man man -w jobop 2>/dev/null | grep -q "$root" && echo yes || echo no)"
finish
