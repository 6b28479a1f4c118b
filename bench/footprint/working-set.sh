#!/usr/bin/env bash
# How much of a process's resident memory it actually touches: clears the pages' "referenced" bits
# (/proc/PID/clear_refs), waits, then sums Rss and Referenced per kind of mapping from /proc/PID/smaps.
# Resident but unreferenced file pages (mapped by fault-around/readahead, or used once at start-up) are clean
# and the first the kernel drops under memory pressure. Also prints the page faults taken in the window (minor: mapped
# again from the page cache; major: read from disk) and the process's PSS (shared pages divided among their users).
#   bench/footprint/working-set.sh PID [SECONDS]     (default 60; needs the right to write /proc/PID/clear_refs)
set -euo pipefail
pid=$1
wait=${2:-60}
exe=$(readlink "/proc/$pid/exe")
faults() { awk '{print $10, $12}' "/proc/$pid/stat"; }
read -r min0 maj0 < <(faults)
echo 1 >"/proc/$pid/clear_refs"
sleep "$wait"
read -r min1 maj1 < <(faults)
echo "page faults in $wait s: $((min1 - min0)) minor, $((maj1 - maj0)) major; $(grep -E '^(Rss|Pss|Anonymous):' "/proc/$pid/smaps_rollup" | awk '{printf "%s %d KiB  ", $1, $2}')"
awk -v exe="$exe" -v wait="$wait" '
  /^[0-9a-f]+-[0-9a-f]+ / { path = (NF >= 6 ? $6 : ""); perms = $2
                            kind = (path == exe ? (perms ~ /x/ ? "binary code" : (perms ~ /w/ ? "binary data (rw)" : "binary read-only")) : (path ~ /^\// ? "other files" : "anonymous")) }
  /^Rss:/        { rss[kind] += $2 }
  /^Referenced:/ { ref[kind] += $2 }
  END { printf "| mapping | resident KiB | touched in %d s KiB |\n|---|---:|---:|\n", wait
        for (k in rss) printf "| %s | %d | %d |\n", k, rss[k], ref[k] }' "/proc/$pid/smaps"
