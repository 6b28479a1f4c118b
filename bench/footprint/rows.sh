#!/usr/bin/env bash
# The footprint rows of bench/results.md: the real binary at defaults with external simulators (footprint/run.sh)
# over a soak, and the history size per year (footprint/history-size.sh). Prints "measure|gateway|comparison|note"
# rows; writes the breakdown taken every minute as a markdown table to $FOOTPRINT_TABLE when that is set.
#   bench/footprint/rows.sh GATEWAY_BINARY
# FOOTPRINT_SECONDS (default 3600: the 1-hour soak of issue 18) is the measured window after 60 s of warm-up;
# shorter is a quick run, and every row it affects says so. FOOTPRINT_EVERY (default 60) is the breakdown step.
# The history flushes every 15 min at the defaults: the first hour holds the database's creation and four flushes;
# the steady state is measured from just after the first flush (16 min) to the end, when that span is >= 30 min.
set -euo pipefail
cd "$(dirname "$0")/../.."
GW=$1
SECONDS_WINDOW=${FOOTPRINT_SECONDS:-3600}
WARMUP=60
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
out=$(FOOTPRINT_SAMPLES=$samples bench/footprint/run.sh "$GW" "$SECONDS_WINDOW" "$WARMUP")
v() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
first=$(grep '^first ' <<<"$out" | cut -d' ' -f2-)
last=$(grep '^last ' <<<"$out" | cut -d' ' -f2-)
s=$(v window_s)
quick=""
[ "$s" -lt 3600 ] && quick="QUICK RUN (FOOTPRINT_SECONDS=$SECONDS_WINDOW): ${s} s, not the 1-hour soak; "

# the sample at or after a given time since start (window time + warm-up)
at() { awk -v t="$1" -v w="$WARMUP" '$1 + w >= t { print; exit }' "$samples"; }
breakdown() {
  echo "anonymous $(mib "$(field "$1" anon_kb)") MiB, file-backed $(mib "$(field "$1" file_kb)") MiB, $(field "$1" threads) threads, GC heap gen0/gen1/gen2/LOH/POH $(field "$1" gen0)/$(field "$1" gen1)/$(field "$1" gen2)/$(field "$1" loh)/$(field "$1" poh) KiB, GC committed $(mib "$(field "$1" committed)") MiB"
}

rss0=$(field "$first" rss_kb)
echo "RSS after 60 s at defaults (external simulators, MQTT, NUT, web, history)|$(mib "$rss0") MiB|≤ 30 MiB; upsd + dummy-ups: $(mib "$(v nut_rss_kb)") MiB|$(breakdown "$first")"

five=$(at 300)
if [ -n "$five" ] && [ "$(cut -d' ' -f1 <<<"$five")" -lt "$(cut -d' ' -f1 <<<"$last")" ]; then
  t5=$(cut -d' ' -f1 <<<"$five"); tl=$(cut -d' ' -f1 <<<"$last")
  r5=$(field "$five" rss_kb); rl=$(field "$last" rss_kb)
  growth=$(awk -v a="$r5" -v b="$rl" -v s=$((tl - t5)) 'BEGIN { printf "%+.2f", (b - a) / 1024 / s * 3600 }')
  echo "RSS growth after the first 5 min|${growth} MiB/h ($(mib "$r5") → $(mib "$rl") MiB over $((tl - t5)) s)|≤ 1 MiB/h over a 1-hour soak|${quick}from $((t5 + WARMUP)) s to $((tl + WARMUP)) s since start; breakdown every ${FOOTPRINT_EVERY:-60} s below"
else
  echo "RSS growth after the first 5 min|n/a|≤ 1 MiB/h over a 1-hour soak|${quick}the window ends before 5 min"
fi
echo "RSS at the end of the soak ($((s + WARMUP)) s)|$(mib "$(field "$last" rss_kb)") MiB|-|${quick}$(breakdown "$last")"
echo "CPU per minute at defaults (external simulators)|$(v cpu_s_per_min) s|≤ 0.1 s; upsd + dummy-ups: $(v nut_cpu_s_per_min) s|${quick}utime+stime over ${s} s after the warm-up; defaults: MUST work state every 250 ms, full poll every 2 s on mains (1 s otherwise), EM340 every 2 s (energy counters every 10 s)"
# The machine's floor for that row: a thread that only wakes, as often as the gateway woke in the soak, with no work
# behind a wake-up (footprint/empty-wakeups.c, 60 s right after the soak): what the wake-ups alone cost here.
rate=$(v wakeups_per_s)
ew=$(mktemp -d)
if gcc -O2 -o "$ew/empty-wakeups" bench/footprint/empty-wakeups.c 2>"$ew/cc.log" && floor=$("$ew/empty-wakeups" "$rate" 60); then
  fv() { awk -v k="$1" '$1 == k { print $2 }' <<<"$floor"; }
  echo "wake-ups per second at defaults (all threads)|${rate}|-|${quick}timeslices in /proc/PID/task/*/schedstat over the soak's window (a wake-up, or a preemption while running); threads that ended inside the window are not counted"
  echo "the same wake-ups with no work behind them (this machine's floor for the CPU row)|$(fv cpu_s_per_min) s per minute|the gateway: $(v cpu_s_per_min) s|one thread waking from poll(2) $(fv rate_per_s) times a second for 60 s after the soak: $(fv cpu_us_per_wakeup) µs per wake-up (bench/footprint/empty-wakeups.c)"
else
  echo "the same wake-ups with no work behind them (this machine's floor for the CPU row)|n/a|-|could not build or run bench/footprint/empty-wakeups.c: $(tr '\n' ' ' <"$ew/cc.log")"
fi
rm -rf "$ew"

# disk: the first hour (database created at start, four 15-min flushes) and the steady state
hour=$(at 3630)   # just after the 60-min flush: creation and four flushes
if [ -n "$hour" ]; then
  echo "disk bytes written in the first hour (with the database's creation)|$(mb "$(field "$hour" wb)") MB (×24: $(mb $(( $(field "$hour" wb) * 24 ))) MB/day)|≤ 10 MB per day|/proc/PID/io write_bytes from process start to $(( $(cut -d' ' -f1 <<<"$hour") + WARMUP )) s"
else
  echo "disk bytes written in the first $((s + WARMUP)) s (with the database's creation)|$(mb "$(v disk_bytes_since_start)") MB|≤ 10 MB per day|${quick}/proc/PID/io write_bytes since start; $( [ $((s + WARMUP)) -lt 900 ] && echo "no 15-min history flush in it" || echo "holds the first history flush")"
fi
after=$(at 960)
steady=""
if [ -n "$after" ]; then
  ta=$(cut -d' ' -f1 <<<"$after"); tl=$(cut -d' ' -f1 <<<"$last")
  if [ $((tl - ta)) -ge 1800 ]; then
    steady=$(awk -v a="$(field "$after" wb)" -v b="$(field "$last" wb)" -v s=$((tl - ta)) 'BEGIN { printf "%.0f", (b - a) * 86400 / s }')
    echo "disk bytes written per day at defaults, steady state (real binary)|$(mb "$steady") MB|≤ 10 MB|/proc/PID/io write_bytes from $((ta + WARMUP)) s (after the first flush) to $((tl + WARMUP)) s, ×86400/$((tl - ta)); holds no WAL checkpoint (every 32 MB of WAL, about 6 days) and no prune of a full raw tier: the store's row below has both"
  fi
fi
[ -n "$steady" ] || echo "disk bytes written per day at defaults, steady state (real binary)|n/a|≤ 10 MB|${quick}needs ≥ 30 min after the first flush (16 min); see the store's steady state below"
echo "log output per day at defaults (stdout, to journald under systemd)|$(mb "$(v log_bytes_per_day)") MB|-|${quick}not in the gateway's write_bytes above (a pipe, as under systemd); journald stores it (on the SD card unless Storage=volatile); $(v log_lines_in_window) lines in the whole run"
echo "MQTT messages per hour at defaults|$(v mqtt_msgs_per_hour)|-|${quick}every message mosquitto delivered to a '#' subscriber over ${s} s"

if [ -n "${FOOTPRINT_TABLE:-}" ]; then
  {
    echo "| s since start | RSS MiB | anonymous MiB | file-backed MiB | threads | GC heap gen0/gen1/gen2/LOH/POH KiB | GC committed MiB | disk written since start KB |"
    echo "|---:|---:|---:|---:|---:|---|---:|---:|"
    while read -r line; do
      echo "| $(( $(cut -d' ' -f1 <<<"$line") + WARMUP )) | $(mib "$(field "$line" rss_kb)") | $(mib "$(field "$line" anon_kb)") | $(mib "$(field "$line" file_kb)") | $(field "$line" threads) | $(field "$line" gen0)/$(field "$line" gen1)/$(field "$line" gen2)/$(field "$line" loh)/$(field "$line" poh) | $(mib "$(field "$line" committed)") | $(awk -v b="$(field "$line" wb)" 'BEGIN { printf "%.0f", b / 1000 }') |"
    done <"$samples"
  } >"$FOOTPRINT_TABLE"
fi

hs=$(bench/footprint/history-size.sh 24)
hv() { awk -v k="$1" '$1 == k { print $2 }' <<<"$hs"; }
echo "history size per year at defaults|$(awk -v b="$(hv history_bytes_per_year)" 'BEGIN { printf "%.1f", b / 1e6 }') MB|≤ 100 MB|24 fast-forwarded days through the real recorder and store: raw $(hv raw_bytes_per_day) B × 1 day + 1-min $(hv minute_bytes_per_day) B/day × 30 + 15-min $(hv quarter_bytes_per_day) B/day × 365"
echo "history bytes written per day, steady state (store alone, fast-forwarded)|$(mb "$(hv history_write_bytes_steady_per_day)") MB|≤ 10 MB (whole gateway)|days 2-24 of 24 fast-forwarded days (raw tier full, pruned hourly; about 4 WAL checkpoints, every 32 MB of WAL), written back (sync) after each flush as the kernel does within 30 s, so a page every flush rewrites counts every time; all 24 days: $(mb "$(hv history_write_bytes_per_day)") MB/day; $(hv raw_values_kept_percent) % of the 10 s values moved beyond the 1 % deadband"
