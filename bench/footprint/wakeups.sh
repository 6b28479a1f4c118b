#!/usr/bin/env bash
# Wake-ups and CPU of a running process, per thread name: context switches (voluntary + involuntary, from
# /proc/PID/task/*/status) per second and utime+stime (from /proc/PID/task/*/stat) in seconds per minute over a
# window, and the process's utime+stime per minute in the same window.
# Every switch a thread makes is a sleep/wake pair, so the total is the process's wake-ups per second.
#   bench/footprint/wakeups.sh PID [SECONDS]
# Threads that start or end inside the window count from zero / are missed; the gateway's are long-lived.
set -euo pipefail
pid=$1
secs=${2:-60}
hz=$(getconf CLK_TCK)
snap() {
  for t in /proc/"$pid"/task/*; do
    [ -r "$t/status" ] || continue
    name=$(tr ' ' '_' <"$t/comm" 2>/dev/null || echo '?')
    # comm may contain spaces and parentheses: the fields after the last ')' are fixed (utime, stime are 12th, 13th)
    cpu=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12+$13}' || echo 0)
    awk -v n="$name" -v id="${t##*/}" -v c="$cpu" '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {nv=$2} END {print id, n, v+nv, c}' "$t/status" 2>/dev/null || true
  done
}
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
a=$(snap); c0=$(ticks)
sleep "$secs"
b=$(snap); c1=$(ticks)
join <(echo "$a" | sort) <(echo "$b" | sort) | awk -v s="$secs" -v hz="$hz" '{d[$2]+=$6-$3; c[$2]+=$7-$4; n[$2]++} END {for (k in d) {printf "%-24s threads %d  wakeups_per_s %6.1f  cpu_s_per_min %.3f\n", k, n[k], d[k]/s, c[k]/hz/s*60; t+=d[k]} printf "%-24s wakeups_per_s %.1f\n", "TOTAL", t/s}' | sort -k5,5 -g -r
awk -v d=$((c1 - c0)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "cpu_s_per_min %.3f\n", d / hz / s * 60 }'
