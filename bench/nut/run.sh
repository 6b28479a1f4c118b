#!/usr/bin/env bash
# GET VAR replies/s: the gateway's NUT server vs a real upsd serving the same dummy data.
# The gateway reads the dummy UPS from that very upsd (type: nut) and serves it again, so both answer the same
# variables. 1 connection and 50 concurrent connections; prints each figure and the ratio gateway/upsd.
# Usage: bench/nut/run.sh [SECONDS per run, default 5]
#        GATEWAY_BIN=/path/to/gateway bench/nut/run.sh   (e.g. the native-AOT build; default: a Release JIT build)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
work=$(mktemp -d /tmp/gw-nutbench.XXXX)
cleanup() {
  [ -n "${gw_pid:-}" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null || true
  NUT_CONFPATH=$work/etc NUT_STATEPATH=$work/state /lib/nut/upsd -c stop >/dev/null 2>&1 || true
  NUT_CONFPATH=$work/etc NUT_STATEPATH=$work/state upsdrvctl -u root stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
upsd_port=$(free_port); gw_port=$(free_port)

echo "==> building the client and the gateway (Release)"
gcc -O2 -pthread -o "$work/nutbench" bench/nut/nutbench.c
if [ -n "${GATEWAY_BIN:-}" ]; then gw_bin=$GATEWAY_BIN
else dotnet build src/Gateway -c Release -nologo -clp:ErrorsOnly -o "$work/gw" >/dev/null; gw_bin=$work/gw/gateway; fi

echo "==> starting upsd + dummy-ups on 127.0.0.1:$upsd_port"
mkdir -p "$work/etc" "$work/state"; chmod 0770 "$work/state"
printf '[dummy]\n driver = dummy-ups\n port = dummy.dev\n desc = "Bench dummy UPS"\n' > "$work/etc/ups.conf"
printf 'ups.status: OL CHRG\nbattery.charge: 100\nbattery.runtime: 1800\ninput.voltage: 230.5\nups.load: 23\nups.mfr: Dummy\nups.model: Bench UPS\n' > "$work/etc/dummy.dev"
printf 'LISTEN 127.0.0.1 %s\nMAXCONN 1024\n' "$upsd_port" > "$work/etc/upsd.conf"
printf '[admin]\n password = adminpw\n' > "$work/etc/upsd.users"
export NUT_CONFPATH=$work/etc NUT_STATEPATH=$work/state
upsdrvctl -u root start >/dev/null 2>&1
/lib/nut/upsd -u root >/dev/null 2>&1
for _ in $(seq 100); do upsc "dummy@127.0.0.1:$upsd_port" ups.status 2>/dev/null | grep -q OL && break; sleep 0.2; done

echo "==> starting the gateway's NUT server on 127.0.0.1:$gw_port (re-serving the dummy UPS)"
cat > "$work/gateway.yaml" <<YAML
devices:
  - id: dummy
    type: nut
    host: 127.0.0.1
    port: $upsd_port
    ups: dummy
    poll_interval: 2s
nut_server:
  listen: ["127.0.0.1:$gw_port"]
  max_connections: 1024
  max_connections_per_address: 1024   # the benchmark's 50 connections all come from 127.0.0.1
web:
  enabled: false
logging:
  level: warning
YAML
"$gw_bin" run --config "$work/gateway.yaml" >"$work/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 150); do upsc "dummy@127.0.0.1:$gw_port" ups.status 2>/dev/null | grep -q OL && break; sleep 0.2; done
upsc "dummy@127.0.0.1:$gw_port" ups.status >/dev/null || { echo "gateway did not come up:"; cat "$work/gateway.log"; exit 1; }

run() { "$work/nutbench" 127.0.0.1 "$1" dummy battery.charge "$2" "$secs"; }
printf '%-16s %14s %14s %8s\n' connections "upsd/s" "gateway/s" ratio
for c in 1 50; do
  u=$(run "$upsd_port" "$c"); g=$(run "$gw_port" "$c")
  printf '%-16s %14s %14s %8s\n' "$c" "$u" "$g" "$(python3 -c "print(f'{$g/$u:.2f}')")"
done
