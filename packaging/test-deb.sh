#!/usr/bin/env bash
# Install/remove test of the Debian package on this (x64) machine with an amd64 build of the same package:
# build -> dpkg -i -> files, user, conffile owner, enablement, systemd-analyze verify/security on the INSTALLED
# units, the installed binary runs as the gateway user and serves /api/health -> conffile edit survives a
# reinstall -> dpkg -r (conffiles stay) -> dpkg -P (nothing left).
# Works without systemd as PID 1 (containers, CI): the maintainer scripts then only write enablement symlinks.
# Reuses out/linux-x64 when present (else publishes it: a few minutes). Run as root.
# Prints "N passed, N failed"; exits non-zero on any failure. Leaves the machine as it found it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-deb: run as root (dpkg -i)" >&2; exit 2; }

passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@" >/tmp/test-deb.$$ 2>&1; then ok "$what"; else bad "$what"; sed 's/^/       /' /tmp/test-deb.$$ | head -20; fi; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

if dpkg-query -W -f='${Status}' gateway 2>/dev/null | grep -qv 'not-installed'; then
  echo "test-deb: a package named 'gateway' is already on this machine ($(dpkg-query -W -f='${Status}' gateway)); purge it first" >&2
  exit 2
fi
if getent passwd gateway >/dev/null; then
  echo "test-deb: a user named 'gateway' already exists; this test creates and removes it" >&2
  exit 2
fi

work=$(mktemp -d)
gpio_existed=$(getent group gpio >/dev/null && echo yes || echo no)
cleanup() {
  dpkg -P gateway >/dev/null 2>&1 || true
  [ "$gpio_existed" = no ] && getent group gpio >/dev/null && delgroup --system --quiet gpio >/dev/null 2>&1
  rm -rf "$work" /tmp/test-deb.$$
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------------------------------------------
start=$SECONDS
deb=$(packaging/build-deb.sh amd64 "$work/deb" | tail -1)
[ -f "$deb" ] || { echo "test-deb: build-deb.sh produced no package" >&2; exit 1; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start))s"
check "package name is gateway_<version>_amd64.deb" grep -qE '/gateway_[0-9][^_]*_amd64\.deb$' <<<"$deb"
check "conffiles list config.yaml and the serial udev rule" \
  bash -c "dpkg-deb -I '$deb' conffiles | grep -qx /etc/gateway/config.yaml && dpkg-deb -I '$deb' conffiles | grep -qx /etc/udev/rules.d/99-gateway-serial.rules"
check "package holds no debug symbols" bash -c "! dpkg-deb -c '$deb' | grep -E '\\.(dbg|pdb)$'"

# --- install -----------------------------------------------------------------------------------------------------
check "dpkg -i installs (dependencies satisfied)" dpkg -i "$deb"
for f in /usr/lib/gateway/gateway /usr/lib/gateway/gateway-shutdown-action /usr/lib/systemd/system/gateway.service \
         /usr/lib/systemd/system/gateway-shutdown@.service /usr/lib/systemd/system/gateway-firstboot.service \
         /usr/lib/udev/rules.d/60-gateway-gpio.rules /etc/udev/rules.d/99-gateway-serial.rules \
         /usr/share/polkit-1/rules.d/50-gateway-shutdown.rules /etc/gateway/config.yaml /usr/share/gateway/config.yaml.example; do
  check "installed: $f" test -e "$f"
done
check "/usr/bin/gateway links to /usr/lib/gateway/gateway" test "$(readlink -f /usr/bin/gateway)" = /usr/lib/gateway/gateway
check "gateway --version runs" /usr/bin/gateway --version
check "system user gateway exists with nologin shell" bash -c 'getent passwd gateway | grep -q ":/usr/sbin/nologin$"'
check "groups dialout and gpio exist" bash -c 'getent group dialout && getent group gpio'
check "/etc/gateway/config.yaml is root:gateway 0640" test "$(stat -c '%U:%G %a' /etc/gateway/config.yaml)" = "root:gateway 640"
check "gateway.service is enabled (multi-user.target.wants)" \
  test "$(readlink -f /etc/systemd/system/multi-user.target.wants/gateway.service)" = /usr/lib/systemd/system/gateway.service
check "gateway-firstboot.service is enabled" test -L /etc/systemd/system/multi-user.target.wants/gateway-firstboot.service
check "systemd-analyze verify (installed units)" bash -c \
  'out=$(systemd-analyze verify --man=no gateway.service gateway-firstboot.service gateway-shutdown@poweroff.service 2>&1); rc=$?; echo "$out"; [ $rc -eq 0 ] && ! grep -q "gateway" <<<"$out"'
check "systemd-analyze security (installed gateway.service) is OK or better" \
  systemd-analyze security --offline=yes --threshold=49 /usr/lib/systemd/system/gateway.service
check "the gateway user can read and check its config" runuser -u gateway -- /usr/bin/gateway check-config /etc/gateway/config.yaml
check "other users cannot read the config" bash -c '! runuser -u nobody -- cat /etc/gateway/config.yaml'

# The installed binary, as the service user, with the installed config, serves /api/health. The example config's
# serial adapters do not exist here, so its devices are Lost and health says so with 503; any JSON answer counts.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
chmod 0755 "$work"; mkdir -p "$work/state" && chown gateway:gateway "$work/state"
(cd "$work/state" && exec runuser -u gateway -- env STATE_DIRECTORY="$work/state" /usr/bin/gateway run \
  --config /etc/gateway/config.yaml --set "web.listen=http://127.0.0.1:$port") >"$work/run.log" 2>&1 &
pid=$!
healthy() {
  for _ in $(seq 1 100); do
    code=$(curl -s -o "$work/health.json" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/health")
    case "$code" in 200|503) grep -q '"version"' "$work/health.json" && { echo "HTTP $code: $(head -c 300 "$work/health.json")"; return 0; } ;; esac
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
check "installed gateway (user gateway, /etc/gateway/config.yaml) answers /api/health" healthy
kill -TERM "$pid" 2>/dev/null
stopped() { for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done; kill -KILL "$pid"; return 1; }
check "it stops on SIGTERM within 10 s" stopped
wait "$pid" 2>/dev/null
[ "$failed" -eq 0 ] || sed 's/^/       run.log: /' "$work/run.log" | tail -20

# --- upgrade keeps the administrator's config --------------------------------------------------------------------
echo "# edited by test-deb" >>/etc/gateway/config.yaml
check "reinstall (as an upgrade) keeps local config edits" bash -c \
  "dpkg -i --force-confold '$deb' >/dev/null && grep -q 'edited by test-deb' /etc/gateway/config.yaml"
check "config stays root:gateway 0640 after the upgrade" test "$(stat -c '%U:%G %a' /etc/gateway/config.yaml)" = "root:gateway 640"

# --- remove ------------------------------------------------------------------------------------------------------
check "dpkg -r removes" dpkg -r gateway
check "after remove: binary gone" absent /usr/lib/gateway/gateway
check "after remove: /usr/bin/gateway gone" absent /usr/bin/gateway
check "after remove: units gone" bash -c '! ls /usr/lib/systemd/system/gateway* 2>/dev/null | grep -q .'
# Debian keeps the enablement state on remove (so a reinstall restores it) and drops it on purge.
check "after remove: enablement link points at no unit" bash -c '! test -e /etc/systemd/system/multi-user.target.wants/gateway.service'
check "after remove: conffile kept (state config-files)" bash -c \
  "test -f /etc/gateway/config.yaml && dpkg-query -W -f='\${Status}' gateway | grep -q config-files"

# --- purge -------------------------------------------------------------------------------------------------------
check "dpkg -P purges" dpkg -P gateway
check "after purge: /etc/gateway gone" absent /etc/gateway
check "after purge: serial udev rule gone" absent /etc/udev/rules.d/99-gateway-serial.rules
check "after purge: /var/lib/gateway gone" absent /var/lib/gateway
check "after purge: no gateway unit links under /etc/systemd" bash -c '! find /etc/systemd -name "gateway*" | grep .'
check "after purge: no deb-systemd-helper state left" bash -c '! find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name "*gateway*" 2>/dev/null | grep .'
check "after purge: statoverride removed" bash -c '! dpkg-statoverride --list /etc/gateway/config.yaml'
check "after purge: user gateway removed" bash -c '! getent passwd gateway'
check "after purge: dpkg knows no gateway package" bash -c "! dpkg-query -W -f='\${Status}' gateway 2>/dev/null | grep -q installed"

echo "test-deb took $((SECONDS - start))s"
echo "test-deb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
