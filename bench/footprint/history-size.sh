#!/usr/bin/env bash
# History size per year at the defaults, extrapolated from DAYS (default 3) fast-forwarded days through the real
# recorder and store (bench/HistorySize). Prints "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project bench/HistorySize -c Release -- "${1:-3}" 2>/dev/null
