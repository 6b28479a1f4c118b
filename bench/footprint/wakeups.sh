#!/usr/bin/env bash
# Wake-ups and CPU of a running process, per thread name, over a window, from /proc/PID/task/*/schedstat: field 1 is
# the nanoseconds the thread ran (exact, not 10 ms utime/stime ticks, which round a thread that runs 50 µs at a time to
# zero or to a whole tick), field 3 the timeslices it was given (each one a wake-up, or a preemption while it ran).
# Prints per thread name: thread count, wake-ups per second, CPU seconds per minute; then the totals.
#   bench/footprint/wakeups.sh PID [SECONDS]
# Threads that start or end inside the window count from zero / are missed; the gateway's are long-lived.
set -euo pipefail
pid=$1
secs=${2:-60}
snap() {
  for t in /proc/"$pid"/task/*; do
    [ -r "$t/schedstat" ] || continue
    name=$(tr ' ' '_' <"$t/comm" 2>/dev/null || echo '?')
    read -r ns _ slices <"$t/schedstat" 2>/dev/null || continue
    echo "${t##*/} $name $ns $slices"
  done
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
a=$(snap)
sleep "$secs"
b=$(snap)
join <(echo "$a" | sort) <(echo "$b" | sort) | awk -v s="$secs" '
  {n[$2]++; c[$2]+=$6-$3; w[$2]+=$7-$4}
  END {for (k in n) printf "%-24s threads %d  wakeups_per_s %6.1f  cpu_s_per_min %.4f\n", k, n[k], w[k]/s, c[k]/1e9/s*60}' >"$tmp"
sort -k5,5 -g -r "$tmp"
awk '{w+=$5; c+=$7} END {printf "%-24s wakeups_per_s %.1f  cpu_s_per_min %.4f\n", "TOTAL", w, c}' "$tmp"
