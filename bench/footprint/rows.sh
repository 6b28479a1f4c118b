#!/usr/bin/env bash
# The footprint rows of bench/results.md: the real binary at defaults with external simulators (footprint/run.sh)
# and the history size per year (footprint/history-size.sh). Prints "measure|gateway|comparison|note" rows.
#   bench/footprint/rows.sh GATEWAY_BINARY
# FOOTPRINT_SECONDS (default 900) is the measured window after 60 s of warm-up: at least one history flush
# period (15 min by default), so the disk figure holds one full flush; FOOTPRINT_EVERY the breakdown step.
set -euo pipefail
cd "$(dirname "$0")/../.."
GW=$1
SECONDS_WINDOW=${FOOTPRINT_SECONDS:-900}
samples=$(mktemp)
out=$(FOOTPRINT_SAMPLES=$samples bench/footprint/run.sh "$GW" "$SECONDS_WINDOW" 60)
v() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
first=$(grep '^first ' <<<"$out" | cut -d' ' -f2-)
last=$(grep '^last ' <<<"$out" | cut -d' ' -f2-)
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss0=$(field "$first" rss_kb); rss1=$(field "$last" rss_kb)
s=$(v window_s)
growth=$(awk -v a="$rss0" -v b="$rss1" -v s="$s" 'BEGIN { printf "%.1f", (b - a) / 1024 / s * 3600 }')
echo "RSS at defaults after 60 s / after $((s + 60)) s (external simulators, MQTT, NUT, web, history)|$(mib "$rss0") / $(mib "$rss1") MiB|≤ 30 MiB; upsd + dummy-ups: $(mib "$(v nut_rss_kb)") MiB|anonymous $(mib "$(field "$last" anon_kb)") MiB, file-backed $(mib "$(field "$last" file_kb)") MiB, $(field "$last" threads) threads"
echo "RSS growth over the window|${growth} MiB/h|≤ 1 MiB/h after the first 5 min|from 60 s on; $(wc -l <"$samples") samples"
echo "GC heap at the end (gen0/gen1/gen2/LOH/POH, committed)|$(field "$last" gen0)/$(field "$last" gen1)/$(field "$last" gen2)/$(field "$last" loh)/$(field "$last" poh) KiB, $(field "$last" committed) KiB committed|-|GC.GetGCMemoryInfo via /metrics"
echo "CPU per minute at defaults (external simulators)|$(v cpu_s_per_min) s|≤ 0.1 s; upsd + dummy-ups: $(v nut_cpu_s_per_min) s|1 s polling of both devices"
echo "disk bytes written per day at defaults|$(awk -v b="$(v disk_bytes_per_day)" 'BEGIN { printf "%.1f", b / 1e6 }') MB|≤ 10 MB|/proc/PID/io write_bytes over ${s} s, ×86400/${s}"
echo "MQTT messages per hour at defaults|$(v mqtt_msgs_per_hour)|-|every message mosquitto delivered to a '#' subscriber"
rm -f "$samples"
hs=$(bench/footprint/history-size.sh 3)
hv() { awk -v k="$1" '$1 == k { print $2 }' <<<"$hs"; }
echo "history size per year at defaults|$(awk -v b="$(hv history_bytes_per_year)" 'BEGIN { printf "%.1f", b / 1e6 }') MB|≤ 100 MB|3 fast-forwarded days through the real recorder and store: raw $(hv raw_bytes_per_day) B × 1 day + 1-min $(hv minute_bytes_per_day) B/day × 30 + 15-min $(hv quarter_bytes_per_day) B/day × 365"
echo "history bytes written per day (store alone, fast-forwarded)|$(awk -v b="$(hv history_write_bytes_per_day)" 'BEGIN { printf "%.1f", b / 1e6 }') MB|-|$(hv raw_values_kept_percent) % of the 10 s values moved beyond the 1 % deadband"
