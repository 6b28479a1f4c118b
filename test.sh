#!/usr/bin/env bash
# The test command: installs the Debian packages the tests need (only when missing), checks that every tool they
# use is there (scripts/preflight.sh), builds, runs the tests, and fails when the run touched the machine's real
# gateway state (/var/lib/gateway, ~/.local/state/gateway, /etc/gateway, ~/.config/gateway).
# Usage: ./test.sh [--fast] [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Nut]
#   (default)  the full suite, as CI runs it: fuzz tests with 1,000,000 inputs per parser, every long loop.
#   --fast     unit, property and virtual-time tests and the light in-process integration tests: no tests marked
#              Lane=full-only (the real binary, upsd/upsmon, mosquitto, sshd, chromium, pymodbus, anything over 2 s,
#              the long loops) and GATEWAY_FUZZ_ITERATIONS=2000 unless it is set already. About 1 minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"

original_args=("$@")
fast=0; filter=""; args=(); setup=1
while (($#)); do
  case "$1" in
    --fast) fast=1 ;;
    --tests-only) setup=0 ;;   # internal: the re-run inside the private mount namespace (below)
    --filter) filter=$2; shift ;;
    --filter=*) filter=${1#--filter=} ;;
    *) args+=("$1") ;;
  esac
  shift
done
if ((fast)); then
  export GATEWAY_FUZZ_ITERATIONS=${GATEWAY_FUZZ_ITERATIONS:-2000}
  filter=${filter:+($filter)&}"Lane!=full-only"
fi
[ -z "$filter" ] || args+=(--filter "$filter")

# The real gateway state this run must not touch.
guarded=(/var/lib/gateway /etc/gateway "${HOME:-/root}/.config/gateway" "${HOME:-/root}/.local/state/gateway")

if ((setup)); then
  command -v dotnet >/dev/null || { echo "test.sh: 'dotnet' is not on PATH: install the .NET 10 SDK (see README, 'Try it')" >&2; exit 2; }
  mapfile -t pkgs < <(grep -v '^\s*#' tests/packages.txt | awk 'NF { print $1 }')
  scripts/ensure-packages.sh "${pkgs[@]}"
  scripts/preflight.sh

  echo "==> building"
  dotnet build gateway.sln -c Release -nologo -clp:ErrorsOnly -warnaserror

  # As root, the tests run in a private mount namespace in which each of those directories that exists is an
  # empty tmpfs: a test cannot reach the real state, and another process writing there (an installed gateway,
  # a parallel test run) can neither disturb this run nor trip its guard.
  if [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private true 2>/dev/null; then
    exec unshare --mount --propagation private "$PWD/test.sh" --tests-only "${original_args[@]}"
  fi
else
  for d in "${guarded[@]}"; do if [ -d "$d" ]; then mount -t tmpfs -o mode=0755,size=64m gateway-test-guard "$d"; fi; done
fi

# A listing of the guarded directories with sizes and times, before and after.
state() { for d in "${guarded[@]}"; do if [ -e "$d" ]; then find "$d" -printf '%p %s %T@ %m\n' 2>/dev/null || true; fi; done | sort; }
before=$(mktemp); after=$(mktemp); log=$(mktemp)
trap 'rm -f "$before" "$after" "$log"' EXIT
state >"$before"

lane="the full suite"
((fast)) && lane="the fast lane (Lane!=full-only, GATEWAY_FUZZ_ITERATIONS=$GATEWAY_FUZZ_ITERATIONS)"
echo "==> testing: $lane"
started=$SECONDS
set +e
dotnet test gateway.sln -c Release --no-build -nologo --blame-hang-timeout 15m --logger "console;verbosity=normal" "${args[@]}" 2>&1 | tee "$log" | grep -Ev '^\s*(Passed|Skipped) '
rc=${PIPESTATUS[0]}
set -e
count() { grep -E "^\s+$1: [0-9]+$" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
if [ "$failed" != 0 ]; then
  # The names and first lines of the failures once more at the very end: a CI log is often read from its tail.
  echo "==> failed tests (name, then the first lines of the message):"
  awk '/^[[:space:]]+Failed [A-Za-z_].* \[[0-9][^]]*\][[:space:]]*$/ { n = 8; print; next }
       /^[[:space:]]+Stack Trace:/ { n = 0 }
       n > 0 { print; n-- }' "$log"
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped in $((SECONDS - started)) s"
[ "$rc" -ne 0 ] || [ "$passed" -gt 0 ] || { echo "no test ran"; rc=1; }

state >"$after"
if ! cmp -s "$before" "$after"; then
  echo "test.sh: FAIL: the tests changed the machine's real gateway state (a test must use its own temp data_dir and config):" >&2
  diff "$before" "$after" | grep '^[<>]' | sed 's/^</  before:/; s/^>/  after: /' >&2
  echo "test.sh: (path size mtime mode; if another process on this machine uses these, e.g. an installed gateway or a parallel test run of an older branch, stop it and run again)" >&2
  rc=1
fi
exit "$rc"
