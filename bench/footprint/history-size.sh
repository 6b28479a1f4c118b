#!/usr/bin/env bash
# History size per year at the defaults and the store's bytes written per day, from DAYS (default 24: a WAL checkpoint
# comes every 32 MB of WAL, about 6 days, so fewer days would count 0, 1 or 2 of them by chance) fast-forwarded days through the real
# recorder and store (bench/HistorySize). Prints "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project bench/HistorySize -c Release -- "${1:-24}" 2>/dev/null
