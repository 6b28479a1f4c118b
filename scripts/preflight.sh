#!/usr/bin/env bash
# Checks that every external program and Python module the tests use is there, before a test fails obscurely.
# Reads the probes from tests/packages.txt (package, then what the tests use from it) and, when something is
# missing, names it and the Debian package that provides it, then exits 1. ./test.sh runs it first.
# Usage: scripts/preflight.sh [PACKAGES_FILE]        (default: tests/packages.txt next to this script)
set -uo pipefail
list=${1:-"$(dirname "$0")/../tests/packages.txt"}
[ -r "$list" ] || { echo "preflight: cannot read $list" >&2; exit 2; }
missing=0; checked=0
fail() { missing=$((missing + 1)); echo "preflight: MISSING $1 -> $2" >&2; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# The fix for a probe of PACKAGE: install it, or, when it is installed and still fails, what it only recommends.
fix() {
  if installed "$1"; then
    echo "$1 is installed but this still fails; it recommends: $(dpkg-query -W -f='${Recommends}' "$1" 2>/dev/null || echo none) (add the one it needs to tests/packages.txt)"
  else
    echo "apt-get install --no-install-recommends $1"
  fi
}

while read -r package probes; do
  case "$package" in ''|'#'*) continue ;; esac
  for probe in $probes; do
    checked=$((checked + 1))
    case "$probe" in
      py:*)
        module=${probe#py:}
        if ! err=$(/usr/bin/python3 -c "import $module" 2>&1); then
          [ -x /usr/bin/python3 ] || err="no /usr/bin/python3"
          fail "Python module '$module' (/usr/bin/python3: ${err##*$'\n'})" "$(fix "$package")"
        fi ;;
      /*)
        [ -x "$probe" ] || fail "$probe" "$(fix "$package")" ;;
      *)
        if ! command -v "$probe" >/dev/null 2>&1; then
          found=""
          for d in /usr/sbin /sbin /usr/bin /bin; do [ -x "$d/$probe" ] && { found="$d/$probe"; break; }; done
          if [ -n "$found" ]; then
            fail "'$probe' is not on PATH (it is $found)" "add $(dirname "$found") to PATH (PATH=$PATH)"
          else
            fail "'$probe' (a command on PATH)" "$(fix "$package")"
          fi
        fi ;;
    esac
  done
done <"$list"

if [ "$missing" -gt 0 ]; then
  echo "preflight: $missing of $checked tools/modules the tests use are missing (probes: $list)." >&2
  echo "preflight: './test.sh' installs every package in that list; if one is installed and still missing, add what it lacks (a Recommends) to the list." >&2
  exit 1
fi
echo "preflight: all $checked tools and modules the tests use are present"
