#!/usr/bin/env bash
# The test command: installs the Debian packages the tests need (only when missing), builds, runs every test.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter Category!=Reliability]
set -euo pipefail
cd "$(dirname "$0")"

mapfile -t pkgs < <(grep -v '^\s*#' tests/packages.txt | awk 'NF { print $1 }')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "==> building"
dotnet build gateway.sln -c Release -nologo -clp:ErrorsOnly -warnaserror

echo "==> testing"
log=$(mktemp)
set +e
dotnet test gateway.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" | grep -Ev '^\s*(Passed|Skipped) ' 
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '(Passed|Failed)!\s+-\s+Failed:' "$log" | tail -1 || true)
failed=$(sed -nE 's/.*Failed:\s*([0-9]+).*/\1/p' <<<"$summary")
passed=$(sed -nE 's/.*Passed:\s*([0-9]+).*/\1/p' <<<"$summary")
skipped=$(sed -nE 's/.*Skipped:\s*([0-9]+).*/\1/p' <<<"$summary")
rm -f "$log"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$rc"
