#!/usr/bin/env bash
# The outage drill: the INSTALLED appliance plays a whole power cut against real parts, with dry_run: false.
# An amd64 Debian root file system (the cached base of packaging/test-systemd.sh plus libvirt, sshd and NUT's upsmon)
# gets the amd64 gateway package and is booted with systemd-nspawn. Inside it, under the packaged, hardened units:
#   - the UPS is the MUST simulator (`gateway simulate must`, as user gateway) on a pty; the drill "cuts the power";
#   - a real tmpfs mounted at /mnt/drill-share, which must be gone from the mount table of the container's PID 1
#     (seen from outside with nsenter -t <leader> -m -p -r findmnt) before the final step;
#   - libvirtd (libvirt-daemon-system) serving its test driver (vms.uri: test+unix:///default) with the running
#     domain "test", which must end shut off, and a second domain "shed" the drill defines: a first, short power cut
#     sheds it (a shutdown.shedding stage, `vms … shed` through the root helper), mains returns, and the power restore
#     must start it again (`vm-start … shed` through the root helper) before the second cut, which runs the sequence;
#   - two sshd targets: "good", whose command must have run, and "wrong-key", whose host key does not match
#     known_hosts and must be refused;
#   - a real upsmon secondary logged in to the gateway's NUT server, which must run its SHUTDOWNCMD and log out
#     after FSD;
#   - the gateway's last step, `systemctl poweroff` through polkit, must power the container off (nspawn exits).
# Before the cut it checks the rehearsal (`gateway shutdown --dry-run` as root, re-run as user gateway) and the
# readiness summary in the service's journal. After the cut it prints a timeline (power cut -> each step and each
# observed effect -> container off) and fails on any step that reports ok without its effect.
# Usage: packaging/outage-drill.sh      (root; reuses out/linux-x64 and the root file system cache)
# Environment: TEST_ROOTFS_CACHE=DIR (default /var/cache/power-gateway-ci/systemd-test: outside the clone, so CI runs from fresh clones share it), DRILL_KEEP=1 keeps the root file system.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "outage-drill: run as root" >&2; exit 2; }
started=$SECONDS
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }

# shellcheck source=packaging/rootfs-cache.sh
. packaging/rootfs-cache.sh
ensure_tools
cache=${TEST_ROOTFS_CACHE:-/var/cache/power-gateway-ci/systemd-test}
ensure_base "$cache" || exit 1
ensure_layer "$cache" drill libvirt-daemon-system libvirt-clients openssh-server openssh-client nut-client procps || exit 1
echo "==> root file systems ready after $((SECONDS - started)) s"

deb=$(packaging/build-deb.sh amd64 "$cache" | tail -1)
[ -f "$deb" ] || { echo "outage-drill: build-deb.sh produced no package" >&2; exit 1; }
machine="gwdrill$$"
rootfs="$cache/$machine"
fresh_root "$cache" drill "$machine" "$deb" || exit 1
read -r nut_port web_port ssh_good ssh_bad < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# --- the parts ---------------------------------------------------------------------------------------------------
in_root() { chroot "$rootfs" "$@"; }
install -d -m 0755 "$rootfs/etc/drill" "$rootfs/var/lib/drill" "$rootfs/mnt/drill-share" "$rootfs/var/log/journal"
: >"$rootfs/var/lib/drill/ups.ctl"; chmod 0644 "$rootfs/var/lib/drill/ups.ctl"
in_root ssh-keygen -q -t ed25519 -N '' -C gateway -f /etc/gateway/drill_key
in_root chown root:gateway /etc/gateway/drill_key; chmod 0640 "$rootfs/etc/gateway/drill_key"
for h in good bad; do in_root ssh-keygen -q -t ed25519 -N '' -C "host-$h" -f "/etc/drill/host_$h"; done
cp "$rootfs/etc/gateway/drill_key.pub" "$rootfs/etc/drill/authorized_keys"
# known_hosts names the GOOD host key for both ports: the server on $ssh_bad presents another one.
{ echo "[127.0.0.1]:$ssh_good $(cut -d' ' -f1,2 "$rootfs/etc/drill/host_good.pub")"
  echo "[127.0.0.1]:$ssh_bad $(cut -d' ' -f1,2 "$rootfs/etc/drill/host_good.pub")"; } >"$rootfs/etc/gateway/known_hosts"
chmod 0644 "$rootfs/etc/gateway/known_hosts"

unit() { cat >"$rootfs/etc/systemd/system/$1"; in_root systemctl enable "$1" >/dev/null 2>&1; }
for h in good bad; do
  port=$([ $h = good ] && echo "$ssh_good" || echo "$ssh_bad")
  unit "drill-sshd-$h.service" <<EOF
[Unit]
Description=outage drill: sshd "$h" on 127.0.0.1:$port
[Service]
RuntimeDirectory=sshd-$h
ExecStart=/usr/sbin/sshd -D -e -p $port -o ListenAddress=127.0.0.1 -h /etc/drill/host_$h -o PidFile=none -o StrictModes=no -o AuthorizedKeysFile=/etc/drill/authorized_keys -o PermitRootLogin=prohibit-password
[Install]
WantedBy=multi-user.target
EOF
done
# sshd wants its privilege-separation directory.
printf 'd /run/sshd 0755 root root -\n' >"$rootfs/etc/tmpfiles.d/drill-sshd.conf"
# The UPS: the MUST simulator on a pty it creates, as user gateway (so the service may open it); its path is published
# as /run/drill/ups-tty; the drill writes "cut" to the control file.
cat >"$rootfs/etc/drill/ups.sh" <<'EOF'
#!/bin/sh
tail -n 0 -F /var/lib/drill/ups.ctl | /usr/bin/gateway simulate must | while read -r line; do
  echo "$line"
  case "$line" in *" on /dev/pts/"*) ln -sf "${line##* on }" /run/drill/ups-tty ;; esac
done
EOF
chmod 0755 "$rootfs/etc/drill/ups.sh"
unit drill-ups.service <<'EOF'
[Unit]
Description=outage drill: simulated MUST UPS on a pty
Before=gateway.service
[Service]
User=gateway
RuntimeDirectory=drill
RuntimeDirectoryPreserve=yes
ExecStart=/etc/drill/ups.sh
[Install]
WantedBy=multi-user.target
EOF
# libvirt's test driver forgets its state when the last connection closes: one connection stays open for the drill.
unit drill-libvirt-holder.service <<'EOF'
[Unit]
Description=outage drill: keep libvirt's test driver state (one open connection)
Requires=libvirtd.service
After=libvirtd.service
[Service]
ExecStart=/bin/sh -c 'sleep infinity | virsh -c test+unix:///default'
[Install]
WantedBy=multi-user.target
EOF
# The upsmon secondary: its SHUTDOWNCMD only leaves a mark (the gateway powers the container off).
printf 'MODE=netclient\n' >"$rootfs/etc/nut/nut.conf"
cat >"$rootfs/etc/nut/upsmon.conf" <<EOF
MONITOR ups@127.0.0.1:$nut_port 1 monuser secret secondary
MINSUPPLIES 1
SHUTDOWNCMD "/bin/sh -c 'date +%s.%N > /var/lib/drill/upsmon-shutdown'"
POLLFREQ 1
POLLFREQALERT 1
DEADTIME 5
HOSTSYNC 5
FINALDELAY 0
POWERDOWNFLAG /run/nut/killpower
EOF
in_root chown root:nut /etc/nut/upsmon.conf; chmod 0640 "$rootfs/etc/nut/upsmon.conf"
in_root systemctl enable nut-monitor.service >/dev/null 2>&1

cat >"$rootfs/etc/gateway/config.yaml" <<EOF
# The outage drill (packaging/outage-drill.sh): the packaged service, dry_run: false.
gateway:
  name: drill
devices:
  - id: ups
    type: must
    port: /run/drill/ups-tty
    slave: 10
    poll_interval: 500ms
    nut_name: ups
nut_server:
  listen: ["127.0.0.1:$nut_port"]
  users:
    - { name: monuser, password: secret, role: secondary }
web:
  listen: http://127.0.0.1:$web_port
policy:
  on_battery_delay: 2s
  # Long enough for the first cut (shed, then mains back) to end before it.
  max_time_on_battery: 15s
shutdown:
  dry_run: false
  point_of_no_return: vms
  vms: { enabled: true, wait: 20s, uri: "test+unix:///default", force_off: true }
  sync: true
  unmounts:
    - { path: /mnt/drill-share, options: "-l", timeout: 15s }
  nut_fsd: { enabled: true, hostsync: 30s }
  remote_hosts:
    - { name: good, host: 127.0.0.1, port: $ssh_good, user: root, key_file: /etc/gateway/drill_key,
        known_hosts: /etc/gateway/known_hosts, command: "date +%s.%N > /var/lib/drill/ssh-good-ran", timeout: 10s, verify_down: 0s }
    - { name: wrong-key, host: 127.0.0.1, port: $ssh_bad, user: root, key_file: /etc/gateway/drill_key,
        known_hosts: /etc/gateway/known_hosts, command: "date +%s.%N > /var/lib/drill/ssh-wrong-key-ran", timeout: 10s, verify_down: 0s }
  local: { enabled: true, command: "systemctl poweroff", final_delay: 2s }
  # The drill's sshd targets only record that their command ran (they are not machines that go down), and the
  # container has no UPS output to cut: host-down verification and the UPS power-cycle are proven against a real
  # sshd that goes away (VerifiedShutdownTests) and the MUST simulator over a pty (PowerCycleOverPtyTests).
  power_cycle: { enabled: false }
  shedding:
    - { name: drill-shed, after_on_battery: 1s, vms: [shed] }
  restore: { stable_for: 2s, min_charge: 0, deadline: 30s }
EOF
in_root chown root:gateway /etc/gateway/config.yaml; chmod 0640 "$rootfs/etc/gateway/config.yaml"
# The only test-specific change to the packaged unit: the simulator's pty is not a USB serial adapter.
mkdir -p "$rootfs/etc/systemd/system/gateway.service.d"
printf '[Service]\nDeviceAllow=char-pts rw\n' >"$rootfs/etc/systemd/system/gateway.service.d/drill-pty.conf"
in_root /usr/bin/gateway check-config /etc/gateway/config.yaml >/dev/null || { in_root /usr/bin/gateway check-config /etc/gateway/config.yaml; exit 1; }

# --- boot ----------------------------------------------------------------------------------------------------------
echo "==> booting $machine with systemd-nspawn (prepared after $((SECONDS - started)) s)"
systemd-nspawn --quiet --register=no --keep-unit -D "$rootfs" -M "$machine" -b >"$cache/$machine.console" 2>&1 &
nspawn=$!
cleanup() {
  if kill -0 "$nspawn" 2>/dev/null; then
    kill -TERM "$nspawn" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$nspawn" 2>/dev/null
  fi
  wait "$nspawn" 2>/dev/null
  [ -n "${DRILL_KEEP:-}" ] || rm -rf "$rootfs"
}
trap cleanup EXIT
leader=""
inside() { nsenter -t "$leader" -m -u -i -p -r -w -- "$@"; }
for _ in $(seq 1 120); do
  leader=$(pgrep -P "$nspawn" 2>/dev/null | head -1)
  [ -n "$leader" ] && inside systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded' && break
  kill -0 "$nspawn" 2>/dev/null || { tail -30 "$cache/$machine.console"; exit 1; }
  sleep 0.5
done
inside systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded' && ok "container boots (leader PID $leader)" || { bad "container boots"; exit 1; }
inside systemctl --failed --no-pager --plain | sed 's/^/       /' | grep -v '^ *$' | head -5

wait_for() { # what, seconds, command...
  local what=$1 limit=$2; shift 2
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && { ok "$what"; return 0; }; sleep 0.5; done
  bad "$what (not within ${limit}s)"; return 1
}
inside mount -t tmpfs -o size=1m drill-share /mnt/drill-share
echo "data" >"$rootfs/mnt/drill-share/file" 2>/dev/null   # the host sees the directory under the tmpfs, not in it
vm_state() { inside virsh -c test+unix:///default domstate test 2>/dev/null | head -1; }
health() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$web_port/api/health")" = 200 ]; }
wait_for "gateway.service is active and /api/health answers 200" 60 health
wait_for "the tmpfs /mnt/drill-share is in PID 1's mount table" 5 nsenter -t "$leader" -m -p -r findmnt /mnt/drill-share
wait_for "libvirt test domain 'test' is running (test+unix:///default)" 60 bash -c "[ \"\$(nsenter -t $leader -m -u -i -p -r -w -- virsh -c test+unix:///default domstate test 2>/dev/null | head -1)\" = running ]"
cat >"$rootfs/etc/drill/shed.xml" <<'EOF'
<domain type='test'><name>shed</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>
EOF
inside virsh -q -c test+unix:///default define /etc/drill/shed.xml >/dev/null && inside virsh -q -c test+unix:///default start shed >/dev/null
vm_is() { [ "$(nsenter -t "$leader" -m -u -i -p -r -w -- virsh -c test+unix:///default domstate "$1" 2>/dev/null | head -1)" = "$2" ]; }
wait_for "libvirt test domain 'shed' is defined and running" 10 vm_is shed running
wait_for "upsmon secondary is logged in to the gateway's NUT server" 60 bash -c "nsenter -t $leader -m -u -i -p -r -w -- upsc -c ups@127.0.0.1:$nut_port 2>/dev/null | grep -q 127.0.0.1"
wait_for "the UPS reads on line (OL) through the simulator's pty" 30 bash -c "nsenter -t $leader -m -u -i -p -r -w -- upsc ups@127.0.0.1:$nut_port ups.status 2>/dev/null | grep -qw OL"

# --- the rehearsal, as root and as the service user ----------------------------------------------------------------
rehearsal=$(inside /usr/bin/gateway shutdown --dry-run --config /etc/gateway/config.yaml 2>&1); rc=$?
echo "$rehearsal" | grep -vE '^\s*$' | grep -vE '^(info|dbug|trce):' | sed 's/^/       rehearsal: /' | head -40
[ $rc -eq 1 ] && ok "rehearsal as root exits 1 (the wrong host key would fail)" || bad "rehearsal as root exits $rc, want 1"
grep -q "Rehearsing as user gateway" <<<"$rehearsal" && ok "rehearsal as root re-runs itself as user gateway" || bad "rehearsal as root does not switch to user gateway"
grep -q "Shutdown readiness (as user gateway)" <<<"$rehearsal" && ok "readiness is checked as user gateway" || bad "readiness is not checked as user gateway"
grep -qE "^  vms +dry_run .*gateway-shutdown@vms.x20check.*check passed" <<<"$rehearsal" && ok "rehearsal: vms through the helper's check (as root)" || bad "rehearsal: vms not through the helper's check"
grep -qE "^  unmount:/mnt/drill-share +dry_run .*gateway-shutdown@unmount.x20check.x20lazy" <<<"$rehearsal" && ok "rehearsal: unmount through the helper's check, lazy kept" || bad "rehearsal: unmount not through the helper's check"
grep -qE "^  ssh:good +dry_run .*verified" <<<"$rehearsal" && ok "rehearsal: ssh:good connects with the key as user gateway" || bad "rehearsal: ssh:good"
grep -qE "^  ssh:wrong-key +failed " <<<"$rehearsal" && ok "rehearsal: ssh:wrong-key is refused" || bad "rehearsal: ssh:wrong-key not refused"
grep -qE "ok +polkit: " <<<"$rehearsal" && ok "rehearsal: polkit is present" || bad "rehearsal: polkit line missing"
grep -qE "1 secondary logged in now: 127.0.0.1" <<<"$rehearsal" && ok "rehearsal: names the NUT secondary it would wait for" || bad "rehearsal: NUT secondary not named"
inside journalctl --no-pager -u gateway.service | grep -q "Shutdown readiness: privileged steps (VMs, containers, unmounts) run as root through gateway-shutdown@" \
  && ok "the service logged the readiness summary at start" || bad "no readiness summary in the service's journal"

# --- a short cut: shed, mains back, restored ----------------------------------------------------------------------------
now() { date +%s.%N; }
t_cut1=$(now); t_shed=""
echo cut >>"$rootfs/var/lib/drill/ups.ctl"
echo "==> first (short) power cut at $(date -u +%T.%N | cut -c1-12) UTC"
if wait_for "shed: the stage shut VM 'shed' off through the root helper (virsh domstate)" 20 vm_is shed "shut off"; then
  t_shed=$(now)
  wait_for "shed: the helper unit did it (gateway-shutdown@vms … shed in its journal)" 10 \
    bash -c "nsenter -t $leader -m -u -i -p -r -w -- journalctl --no-pager -u 'gateway-shutdown@*' | grep -q 'shutting down VM shed'"
  vm_is test running && ok "shed: VM 'test' (not in the stage) still runs" || bad "shed: VM 'test' is not running any more"
fi
echo restore >>"$rootfs/var/lib/drill/ups.ctl"
echo "==> mains back at $(date -u +%T.%N | cut -c1-12) UTC"
if wait_for "restore: VM 'shed' is running again (vm-start through the root helper)" 40 vm_is shed running; then
  [ -n "$t_shed" ] && awk -v a="$t_shed" -v b="$(now)" -v z="$t_cut1" 'BEGIN { printf "       shed %.1f s and running again %.1f s after the first cut\n", a - z, b - z }'
  # (the unit's name is escaped: vm-start is vm\x2dstart, so match the helper's own line in all its units)
  wait_for "restore: the helper started it and saw it run (gateway-shutdown@vm-start … shed)" 10 \
    bash -c "nsenter -t $leader -m -u -i -p -r -w -- journalctl --no-pager -u 'gateway-shutdown@*' | grep -q 'VM shed is running'"
fi
outage_done() { curl -s --max-time 2 "http://127.0.0.1:$web_port/api/outages" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["recent"][0] if d.get("recent") else None
m = [x for x in (r or {}).get("machines", []) if x.get("name") == "shed"]
sys.exit(0 if d.get("current") is None and m and m[0].get("action") == "shed" and m[0].get("state") == "started" else 1)'; }
wait_for "the first outage is over and its report says VM 'shed' was shed and started (/api/outages)" 20 outage_done
wait_for "the UPS reads on line (OL) again before the second cut" 20 bash -c "nsenter -t $leader -m -u -i -p -r -w -- upsc ups@127.0.0.1:$nut_port ups.status 2>/dev/null | grep -qw OL"

# --- the outage ------------------------------------------------------------------------------------------------------
t_cut=$(now)
echo cut >>"$rootfs/var/lib/drill/ups.ctl"
echo "==> power cut at $(date -u +%T.%N | cut -c1-12) UTC"
t_vm=""; t_mount=""; t_ssh=""; t_upsmon=""; t_upsmon_gone=""; t_off=""
deadline=$((SECONDS + 180))
while [ $SECONDS -lt $deadline ]; do
  if ! kill -0 "$nspawn" 2>/dev/null; then t_off=$(now); break; fi
  [ -z "$t_vm" ] && [ "$(vm_state)" = "shut off" ] && t_vm=$(now)
  [ -z "$t_mount" ] && ! nsenter -t "$leader" -m -p -r findmnt /mnt/drill-share >/dev/null 2>&1 && kill -0 "$nspawn" 2>/dev/null && t_mount=$(now)
  # These two write their own time (date +%s.%N) when they run.
  [ -z "$t_ssh" ] && [ -s "$rootfs/var/lib/drill/ssh-good-ran" ] && t_ssh=$(head -1 "$rootfs/var/lib/drill/ssh-good-ran")
  [ -z "$t_upsmon" ] && [ -s "$rootfs/var/lib/drill/upsmon-shutdown" ] && t_upsmon=$(head -1 "$rootfs/var/lib/drill/upsmon-shutdown")
  [ -n "$t_upsmon" ] && [ -z "$t_upsmon_gone" ] && ! inside pgrep -x upsmon >/dev/null 2>&1 && kill -0 "$nspawn" 2>/dev/null && t_upsmon_gone=$(now)
  sleep 0.2
done
if [ -z "$t_off" ]; then
  wait_for "container powered off" 30 bash -c "! kill -0 $nspawn" && t_off=$(now) || kill -TERM "$nspawn"
fi
wait "$nspawn"; nspawn_rc=$?
[ $nspawn_rc -eq 0 ] && ok "systemd-nspawn exited 0 (the container powered off)" || bad "systemd-nspawn exited $nspawn_rc"

# --- what the gateway said, against what was seen --------------------------------------------------------------------
journal=$(journalctl -D "$rootfs/var/log/journal" -o short-unix --no-pager -u gateway.service 2>/dev/null)
rel() { [ -n "$1" ] && awk -v t="$1" -v z="$t_cut" 'BEGIN { printf "%+7.2fs", t - z }' || echo "   never"; }
events=$(mktemp)
echo "$t_cut power cut (the simulator reports OB)" >>"$events"
grep -E "Shutdown started|Shutdown step [0-9]+/[0-9]+ .* starting|Shutdown step [^ ]+: (ok|failed|timeout|skipped)" <<<"$journal" \
  | sed -E 's/^([0-9.]+) [^:]+: [A-Za-z.]+\[[0-9]+\] (.*)$/\1 gateway: \2/; s/Event shutdown_started: //' | cut -c1-200 >>"$events"
[ -n "$t_vm" ] && echo "$t_vm SEEN: VM 'test' is shut off (virsh domstate)" >>"$events"
[ -n "$t_mount" ] && echo "$t_mount SEEN: /mnt/drill-share gone from PID 1's mount table (nsenter -t $leader -m -p -r findmnt)" >>"$events"
[ -n "$t_upsmon" ] && echo "$t_upsmon SEEN: upsmon ran its SHUTDOWNCMD (FSD)" >>"$events"
[ -n "$t_upsmon_gone" ] && echo "$t_upsmon_gone SEEN: upsmon exited (logged out)" >>"$events"
[ -n "$t_ssh" ] && echo "$t_ssh SEEN: the command ran on ssh target 'good'" >>"$events"
[ -n "$t_off" ] && echo "$t_off SEEN: container off (systemd-nspawn exited $nspawn_rc)" >>"$events"
echo
echo "Timeline (seconds after the power cut):"
sort -n "$events" | while read -r t rest; do printf '  %s  %s\n' "$(rel "$t")" "$rest"; done
rm -f "$events"
echo

step_line() { grep -E "Shutdown step $1: " <<<"$journal" | tail -1; }
step_time() { step_line "$1" | cut -d' ' -f1; }
outcome() { step_line "$1" | sed -nE "s/.*Shutdown step [^ ]+: ([a-z_]+) in .*/\1/p"; }
local_start=$(grep -E "Shutdown step [0-9]+/[0-9]+ local starting" <<<"$journal" | tail -1 | cut -d' ' -f1)
before() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b + 0.5) }'; }
effect() { # step, observed time, what
  local o; o=$(outcome "$1")
  if [ "$o" = ok ] && [ -n "$2" ] && before "$2" "${local_start:-$t_off}"; then ok "$1: ok, and seen: $3 ($(rel "$2"))"
  elif [ "$o" = ok ]; then bad "$1 reported ok but its effect was not seen before the final step: $3"
  else bad "$1: outcome '${o:-none}' ($(step_line "$1" | cut -d' ' -f2- | cut -c1-200))"; fi
}
grep -q "Shutdown started" <<<"$journal" && ok "the policy started the shutdown" || bad "no 'Shutdown started' in the gateway's journal"
effect vms "$t_vm" "domain 'test' shut off"
effect "unmount:/mnt/drill-share" "$t_mount" "the tmpfs gone from the container's PID 1 mount table"
effect nut_fsd "$t_upsmon_gone" "upsmon ran SHUTDOWNCMD and logged out"
effect ssh:good "$t_ssh" "the command ran on the target"
[ "$(outcome ssh:wrong-key)" = failed ] && step_line ssh:wrong-key | grep -qi "host key" && [ ! -e "$rootfs/var/lib/drill/ssh-wrong-key-ran" ] \
  && ok "ssh:wrong-key: refused for its host key, command not run" || bad "ssh:wrong-key was not refused: $(step_line ssh:wrong-key | cut -c1-200)"
[ "$(outcome sync)" = ok ] && ok "sync: ok" || bad "sync: $(outcome sync)"
if [ -n "$local_start" ] && awk -v a="$t_off" -v b="$local_start" 'BEGIN { exit !(a >= b && a - b < 30) }'; then
  ok "local: the container powered off $(awk -v a="$t_off" -v b="$local_start" 'BEGIN { printf "%.1f", a - b }') s after the final step started"
else bad "local: the container did not power off within 30 s of the final step"; fi
# Any other step that says ok (steps added later) must be accounted for here.
for s in $(grep -oE "Shutdown step [^ ]+: ok in" <<<"$journal" | awk '{print $3}' | sed 's/:$//' | sort -u); do
  case "$s" in vms|sync|nut_fsd|ssh:good|local|unmount:/mnt/drill-share) ;; *) bad "step $s reported ok and the drill does not check its effect" ;; esac
done
if [ $failed -gt 0 ]; then
  echo "--- gateway journal (last 40 lines) ---"; tail -40 <<<"$journal"
  echo "--- helper units ---"; journalctl -D "$rootfs/var/log/journal" -o short-unix --no-pager -u 'gateway-shutdown@*' 2>/dev/null | tail -20
fi

echo "outage-drill took $((SECONDS - started))s"
echo "outage-drill: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
