#!/usr/bin/env bash
# History size per year at the defaults and the store's bytes written per day, from DAYS (default 8) fast-forwarded days through the real
# recorder and store (bench/HistorySize). Prints "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project bench/HistorySize -c Release -- "${1:-8}" 2>/dev/null
