#!/usr/bin/env bash
# Footprint of the real binary at defaults: two devices on external simulators over ptys (one `gateway simulate`
# process each), MQTT to mosquitto, web + NUT server + history on. Measures, after a warm-up, over a window:
# disk bytes written (/proc/PID/io write_bytes) extrapolated to a day, MQTT messages per hour (every message
# mosquitto delivers to a '#' subscriber), CPU per minute, RSS and its breakdown; and NUT's upsd + dummy-ups
# (RSS, CPU) in the same run as the anchor.
#   bench/footprint/run.sh GATEWAY_BINARY [WINDOW_SECONDS] [WARMUP_SECONDS]
# Prints "key value" lines (bench/run.sh turns them into rows). Set FOOTPRINT_KEEP=dir to keep the work dir;
# set FOOTPRINT_SAMPLES=file to append the breakdown every FOOTPRINT_EVERY seconds (soak).
set -euo pipefail
GW=$(readlink -f "$1")
WINDOW=${2:-300}
WARMUP=${3:-60}
EVERY=${FOOTPRINT_EVERY:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
W=${FOOTPRINT_KEEP:-$(mktemp -d /tmp/gw-footprint.XXXXXX)}
mkdir -p "$W"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${NUT_CONFPATH:-}" ]; then
    /lib/nut/upsd -c stop >/dev/null 2>&1 || true
    /sbin/upsdrvctl -u root stop >/dev/null 2>&1 || true
  fi
  wait 2>/dev/null || true
  [ -n "${FOOTPRINT_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wbytes() { awk '/^write_bytes/ {print $2}' "/proc/$1/io"; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# timeslices per thread ("tid count"; schedstat field 3: each a wake-up, or a preemption while it ran); the window's
# wake-ups are the differences for threads seen at both ends plus the whole count of threads started inside it (a
# thread that ends inside the window, such as a retired pool worker, takes its count with it: an undercount when
# the pool's workers come and go, so compare builds by CPU, not by this count)
slices() { for t in /proc/"$1"/task/*; do read -r _ _ n 2>/dev/null <"$t/schedstat" && echo "${t##*/} $n"; done; true; }
hz=$(getconf CLK_TCK)

# two pty pairs: simulator end and gateway end
for d in ups meter; do
  socat pty,raw,echo=0,link="$W/$d-sim" pty,raw,echo=0,link="$W/$d-gw" 2>"$W/socat-$d.log" &
  pids+=($!)
done
for _ in $(seq 100); do [ -e "$W/ups-gw" ] && [ -e "$W/meter-gw" ] && break; sleep 0.05; done
"$GW" simulate must --port "$W/ups-sim" --seed 1 >"$W/sim-ups.log" 2>&1 &
pids+=($!)
"$GW" simulate em340 --port "$W/meter-sim" --seed 2 >"$W/sim-meter.log" 2>&1 &
pids+=($!)

mport=$(free_port); nport=$(free_port); wport=$(free_port)
cat > "$W/mosquitto.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
persistence false
user root
CONF
mosquitto -c "$W/mosquitto.conf" >"$W/mosquitto.log" 2>&1 &
pids+=($!)
sleep 0.3
mosquitto_sub -p "$mport" -h 127.0.0.1 -t '#' -F '%t' >"$W/mqtt.log" 2>/dev/null &
pids+=($!)

# the config in a directory of its own, as /etc/gateway on a Pi: the gateway watches its directory (inotify) for
# edits, and the logs and mosquitto_sub's output written next to it would wake its watcher thread on every line
mkdir -p "$W/etc"
cat > "$W/etc/config.yaml" <<CONF
gateway:
  name: gateway
  data_dir: $W/data
devices:
  - id: ups
    type: must
    port: $W/ups-gw
  - id: grid
    type: em340
    port: $W/meter-gw
mqtt:
  host: 127.0.0.1
  port: $mport
nut_server:
  listen: [127.0.0.1:$nport]
web:
  listen: http://127.0.0.1:$wport
CONF
gstart=$(date +%s)
# stdout and stderr go to a pipe, as under systemd (journald reads them): the gateway's own write_bytes then hold
# what it writes to disk itself, and the log's volume is counted apart (log_bytes_per_day)
(cd "$W" && HOME=$W exec "$GW" run --config "$W/etc/config.yaml" > >(cat >"$W/gateway.log") 2>&1) &
gpid=$!
pids+=($gpid)
until curl -fs -o /dev/null "http://127.0.0.1:$wport/api/health"; do sleep 0.05; done

# the anchor: NUT's dummy-ups (pollinterval 1 s) behind upsd, polled once a second by upsc like a client would
N=$W/nut; mkdir -p "$N/etc" "$N/state"; chmod 0770 "$N/state"
uport=$(free_port)
printf 'pollinterval = 1\n[dummy]\n driver = dummy-ups\n port = dummy.dev\n desc = "bench"\n' > "$N/etc/ups.conf"
printf 'ups.status: OL\nbattery.charge: 100\nbattery.runtime: 1800\ninput.voltage: 230\nups.load: 20\n' > "$N/etc/dummy.dev"
printf 'LISTEN 127.0.0.1 %s\n' "$uport" > "$N/etc/upsd.conf"
printf '[admin]\n password = adminpw\n actions = SET\n' > "$N/etc/upsd.users"
chmod 0640 "$N/etc/"*
export NUT_CONFPATH=$N/etc NUT_STATEPATH=$N/state
/sbin/upsdrvctl -u root start >/dev/null 2>&1 || true
/lib/nut/upsd -u root >/dev/null 2>&1 || true
sleep 1
upsd_pid=$(cat "$N/state/upsd.pid" 2>/dev/null || true)
drv_pid=$(cat "$N/state/dummy-ups-dummy.pid" 2>/dev/null || true)

sleep "$WARMUP"
sample() {
  # one breakdown line: time rss anon file threads, wb (bytes written since the process started), gc-heap ...
  # from smaps_rollup, /proc/PID/io and the gateway's /metrics
  local t=$1 r
  r=$(awk '/^Rss:/ {rss=$2} /^Anonymous:/ {an=$2} /^Pss_File:/ {pf=$2} END {printf "%d %d %d", rss, an, rss-an}' "/proc/$gpid/smaps_rollup")
  local thr; thr=$(awk '/^Threads:/ {print $2}' "/proc/$gpid/status")
  local gc; gc=$(curl -fs "http://127.0.0.1:$wport/metrics" | awk '/^gateway_gc_heap_bytes\{/ {split($1,a,"\""); printf "%s=%d ", a[2], $2/1024} /^gateway_gc_committed_bytes / {printf "committed=%d ", $2/1024} /^gateway_gc_allocated_bytes_total / {printf "alloc=%d ", $2/1024} /^gateway_gc_collections_total\{/ {split($1,a,"\""); printf "gc_%s=%d ", a[2], $2}' || true)
  echo "$t rss_kb=${r%% *} anon_kb=$(echo "$r" | cut -d' ' -f2) file_kb=$(echo "$r" | cut -d' ' -f3) threads=$thr wb=$(wbytes $gpid) $gc"
}
w0=$(wbytes $gpid); c0=$(ticks $gpid); k0=$(slices $gpid | sort); m0=$(wc -l <"$W/mqtt.log"); l0=$(stat -c %s "$W/gateway.log"); t0=$(date +%s)
uc0=0; [ -n "$upsd_pid" ] && uc0=$(( $(ticks "$upsd_pid") + $(ticks "$drv_pid") ))
first=$(sample 0)
[ -n "${FOOTPRINT_SAMPLES:-}" ] && echo "$first" >>"$FOOTPRINT_SAMPLES"
elapsed=0
while [ "$elapsed" -lt "$WINDOW" ]; do
  step=$(( WINDOW - elapsed < EVERY ? WINDOW - elapsed : EVERY ))
  for _ in $(seq "$step"); do upsc dummy@127.0.0.1:"$uport" >/dev/null 2>&1 || true; sleep 1; done
  elapsed=$(( $(date +%s) - t0 ))
  [ -n "${FOOTPRINT_SAMPLES:-}" ] && sample "$elapsed" >>"$FOOTPRINT_SAMPLES"
done
w1=$(wbytes $gpid); c1=$(ticks $gpid); k1=$(slices $gpid | sort); m1=$(wc -l <"$W/mqtt.log"); l1=$(stat -c %s "$W/gateway.log"); t1=$(date +%s)
last=$(sample $((t1 - t0)))
s=$((t1 - t0))
echo "window_s $s"
echo "warmup_s $WARMUP"
echo "disk_bytes_since_start $w1"
echo "disk_bytes_per_day $(( (w1 - w0) * 86400 / s ))"
# the history flushes every 15 min from start (default flush_interval): a window with none holds log lines only
echo "history_flushes_in_window $(( (t1 - gstart) / 900 - (t0 - gstart) / 900 ))"
echo "log_bytes_per_day $(( (l1 - l0) * 86400 / s ))"
echo "log_lines_in_window $(( $(wc -l <"$W/gateway.log") ))"
echo "mqtt_msgs_per_hour $(( (m1 - m0) * 3600 / s ))"
awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$s" 'BEGIN { printf "cpu_s_per_min %.3f\n", d / hz / s * 60 }'
join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$k0") <(echo "$k1") | awk -v s="$s" '{n += $3 - $2} END { printf "wakeups_per_s %.1f\n", n / s }'
echo "first $first"
echo "last $last"
if [ -n "$upsd_pid" ] && [ -n "$drv_pid" ]; then
  uc1=$(( $(ticks "$upsd_pid") + $(ticks "$drv_pid") ))
  awk -v d=$((uc1 - uc0)) -v hz="$hz" -v s="$s" 'BEGIN { printf "nut_cpu_s_per_min %.3f\n", d / hz / s * 60 }'
  echo "nut_rss_kb $(( $(awk '/VmRSS/ {print $2}' /proc/$upsd_pid/status) + $(awk '/VmRSS/ {print $2}' /proc/$drv_pid/status) ))"
fi
echo "history_db_bytes $(du -cb "$W"/data/history.db* 2>/dev/null | tail -1 | cut -f1)"
ls -la "$W/data" >"$W/data.ls" 2>/dev/null || true
# threads by name (a thread's resident stack is a few pages; the count says what runs)
echo "thread_names $(cat /proc/$gpid/task/*/comm 2>/dev/null | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/\2 ×\1/' | paste -sd, -)"
