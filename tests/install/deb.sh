#!/usr/bin/env bash
# `cpack -G DEB`: the package holds the install layout, depends on the
# shared libraries the binary links (dpkg-shlibdeps), recommends the MySQL
# client library jobop loads at run time, and apt accepts it.
# Usage: deb.sh BUILD_DIR
source "$(dirname "$0")/lib.sh"
build=$1
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log")
deb=$(ls "$work"/out/jobop_*.deb)
check_contains "named jobop_VERSION_ARCH.deb" "jobop_" "$(basename "$deb")"

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -v '/$' | sort)
for file in ./usr/bin/jobop ./usr/share/man/man1/jobop.1 \
  ./usr/share/bash-completion/completions/jobop ./usr/share/zsh/vendor-completions/_jobop \
  ./usr/share/fish/vendor_completions.d/jobop.fish ./usr/share/doc/jobop/README.md \
  ./usr/share/doc/jobop/cli.md; do
  check_contains "contains $file" "$file" "$contents"
done
check_eq "nothing outside /usr" "" "$(grep -v '^\./usr/' <<<"$contents" || true)"

check_eq "Package" "jobop" "$(dpkg-deb -f "$deb" Package)"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libstdc++6 libsqlite3-0; do
  check_contains "Depends on $library (shlibdeps)" "$library" "$depends"
done
check_contains "Recommends the dlopen'd MySQL client" "libmariadb3" \
  "$(dpkg-deb -f "$deb" Recommends)"

dpkg-deb -x "$deb" "$work/extracted"
check_contains "the packaged binary runs" "jobop " "$("$work/extracted/usr/bin/jobop" --version)"
if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  check_contains "apt accepts it (simulated install)" "Inst jobop" \
    "$(apt-get install -s "$deb" 2>&1)"
fi
finish
