#!/usr/bin/env bash
# The test command: installs the Debian packages the tests need (only when missing), builds, runs every test.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter Category!=Reliability]
set -euo pipefail
cd "$(dirname "$0")"

mapfile -t pkgs < <(grep -v '^\s*#' tests/packages.txt | awk 'NF { print $1 }')
scripts/ensure-packages.sh "${pkgs[@]}"

echo "==> building"
dotnet build gateway.sln -c Release -nologo -clp:ErrorsOnly -warnaserror

echo "==> testing"
log=$(mktemp)
set +e
dotnet test gateway.sln -c Release --no-build -nologo --blame-hang-timeout 6m --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" | grep -Ev '^\s*(Passed|Skipped) ' 
rc=${PIPESTATUS[0]}
set -e
count() { grep -E "^\s+$1: [0-9]+$" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$rc" -ne 0 ] || [ "$passed" -gt 0 ] || { echo "no test ran"; rc=1; }
exit "$rc"
