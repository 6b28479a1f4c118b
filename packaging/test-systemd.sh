#!/usr/bin/env bash
# The hardened unit under a REAL systemd: builds a small amd64 Debian root file system with mmdebstrap, installs the
# amd64 gateway package into it, boots it with systemd-nspawn and checks, as a user of the machine would:
#   gateway.service becomes active (Type=notify READY under the whole sandbox: seccomp filter,
#   MemoryDenyWriteExecute, ProtectSystem=strict, DevicePolicy=closed ...), /api/health answers, the watchdog is fed
#   (a short WatchdogSec drop-in, no restart over several periods), a SIGKILL leads to a restart, the gateway user
#   may start gateway-shutdown@*.service through polkit but not another unit, and `systemctl stop` is clean.
# Usage: packaging/test-systemd.sh      (root; ~3-6 min, mostly mmdebstrap; reuses out/linux-x64 and the cache)
# Environment: TEST_ROOTFS_CACHE=DIR keeps the base root file system between runs (default out/systemd-test).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-systemd: run as root" >&2; exit 2; }
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
log=$(mktemp)
check() { local what=$1; shift; if "$@" >"$log" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/       /' "$log" | head -30; fi; }
started=$SECONDS

# shellcheck source=packaging/rootfs-cache.sh
. packaging/rootfs-cache.sh
ensure_tools
cache=${TEST_ROOTFS_CACHE:-$root/out/systemd-test}
ensure_base "$cache" || exit 1

deb=$(packaging/build-deb.sh amd64 "$cache" | tail -1)
machine="gwtest$$"
rootfs="$cache/$machine"
fresh_root "$cache" base "$machine" "$deb" || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
# No devices (the container has no serial adapters): health is 200 when the service itself is fine.
cat >"$rootfs/etc/gateway/config.yaml" <<EOF
gateway:
  name: gateway
web:
  listen: http://127.0.0.1:$port
EOF
# A short watchdog so that "fed" is visible within seconds; everything else is the packaged unit.
mkdir -p "$rootfs/etc/systemd/system/gateway.service.d"
printf '[Service]\nWatchdogSec=4s\n' >"$rootfs/etc/systemd/system/gateway.service.d/test-watchdog.conf"

echo "==> booting $machine with systemd-nspawn"
systemd-nspawn --quiet --register=no --keep-unit -D "$rootfs" -M "$machine" -b >"$cache/$machine.console" 2>&1 &
nspawn=$!
cleanup() {
  kill -TERM "$nspawn" 2>/dev/null   # SIGTERM to nspawn = orderly shutdown of the container
  for _ in $(seq 1 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$nspawn" 2>/dev/null
  wait "$nspawn" 2>/dev/null
  rm -rf "$rootfs" "$log"
}
trap cleanup EXIT
booted() {
  for _ in $(seq 1 120); do
    pid=$(pgrep -P "$nspawn" 2>/dev/null | head -1)
    if [ -n "$pid" ] && nsenter -t "$pid" -m -u -i -p -r -w -- systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; then return 0; fi
    kill -0 "$nspawn" 2>/dev/null || { tail -30 "$cache/$machine.console"; return 1; }
    sleep 0.5
  done
  tail -30 "$cache/$machine.console"; return 1
}
inside() { nsenter -t "$(pgrep -P "$nspawn" | head -1)" -m -u -i -p -r -w -- "$@"; }
check "container boots (systemd as PID 1)" booted
active() {
  for _ in $(seq 1 60); do
    [ "$(inside systemctl is-active gateway.service)" = active ] && return 0
    sleep 0.5
  done
  inside systemctl status --no-pager gateway.service; inside journalctl --no-pager -u gateway -n 30; return 1
}
check "gateway.service is active under the hardened unit (Type=notify READY received)" active
identity() {
  local pid uid groups want
  pid=$(inside systemctl show -p MainPID --value gateway.service)
  uid=$(inside awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
  groups=$(inside awk '/^Groups:/ { $1 = ""; print }' "/proc/$pid/status")
  echo "uid $uid groups $groups"
  [ "$uid" = "$(inside id -u gateway)" ] || return 1
  for g in dialout gpio; do
    want=$(inside getent group "$g" | cut -d: -f3)
    grep -qw "$want" <<<"$groups" || return 1
  done
}
check "it runs as user gateway with groups dialout and gpio" identity
health() {
  for _ in $(seq 1 60); do
    [ "$(curl -s -o /tmp/gwtest-health.$$ -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/api/health")" = 200 ] \
      && { head -c 300 /tmp/gwtest-health.$$; rm -f /tmp/gwtest-health.$$; return 0; }
    sleep 0.5
  done
  inside journalctl --no-pager -u gateway -n 30; return 1
}
check "/api/health answers 200" health
check "state directory /var/lib/gateway belongs to gateway" bash -c "[ \"\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- stat -c %U /var/lib/gateway)\" = gateway ]"
# Three watchdog periods without a restart: the gateway feeds it.
sleep 13
check "watchdog fed: still active, no restart after 3 x WatchdogSec" bash -c \
  "[ \"\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- systemctl show -p NRestarts --value gateway.service)\" = 0 ] && \
   [ \"\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- systemctl is-active gateway.service)\" = active ]"
check "the journal shows the watchdog being fed" bash -c \
  "nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- journalctl --no-pager -u gateway | grep -q 'systemd watchdog enabled'"
restarted() {
  local before after
  before=$(inside systemctl show -p MainPID --value gateway.service)
  inside systemctl kill -s KILL gateway.service
  for _ in $(seq 1 60); do
    after=$(inside systemctl show -p MainPID --value gateway.service)
    if [ "$after" != 0 ] && [ "$after" != "$before" ] && [ "$(inside systemctl is-active gateway.service)" = active ]; then
      echo "MainPID $before -> $after"; return 0; fi
    sleep 0.5
  done
  inside systemctl status --no-pager gateway.service; return 1
}
check "SIGKILL -> restarted by systemd (Restart=always)" restarted
check "polkit: user gateway may start gateway-shutdown@containers.service (runs; fails only for lack of docker)" bash -c \
  "out=\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- runuser -u gateway -- systemctl start gateway-shutdown@containers.service 2>&1); echo \"\$out\"; \
   ! grep -qi 'access denied\|interactive authentication' <<<\"\$out\" && \
   nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- journalctl --no-pager -u gateway-shutdown@containers.service | grep -q 'docker is not installed'"
check "polkit: user gateway may not start another unit" bash -c \
  "out=\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- runuser -u gateway -- systemctl start systemd-hostnamed.service 2>&1); echo \"\$out\"; grep -qi 'access denied\|interactive authentication' <<<\"\$out\""
check "polkit: user gateway may not stop gateway.service" bash -c \
  "out=\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- runuser -u gateway -- systemctl stop gateway.service 2>&1); echo \"\$out\"; grep -qi 'access denied\|interactive authentication' <<<\"\$out\""
stopped() {
  inside systemctl stop gateway.service
  inside journalctl --no-pager -u gateway -n 5 | tee /dev/stderr | grep -qi 'stopping\|stopped\|deactivated'
  [ "$(inside systemctl show -p Result --value gateway.service)" = success ]
}
check "systemctl stop is clean (Result=success, within TimeoutStopSec)" stopped

# Demo mode under the same sandbox: simulated UPS and meter behind the real drivers (ptys, Modbus, SQLite history...).
if inside /usr/bin/gateway run --help 2>/dev/null | grep -q -- --simulate; then
  printf '[Service]\nExecStart=\nExecStart=/usr/bin/gateway run --simulate --config /etc/gateway/config.yaml\n' \
    >"$rootfs/etc/systemd/system/gateway.service.d/test-demo.conf"
  inside systemctl daemon-reload
  inside systemctl start gateway.service
  check "demo mode (--simulate) is active under the hardened unit" active
  check "demo mode answers /api/health 200" health
  sleep 5
  check "demo mode still active after 5 s, no restart" bash -c \
    "[ \"\$(nsenter -t $(pgrep -P "$nspawn" | head -1) -m -u -i -p -r -w -- systemctl is-active gateway.service)\" = active ]"
  inside journalctl --no-pager -u gateway -n 15 | sed 's/^/       journal: /'
  check "demo mode stops cleanly" stopped
fi

echo "test-systemd took $((SECONDS - started))s"
echo "test-systemd: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
