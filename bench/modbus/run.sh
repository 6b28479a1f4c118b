#!/usr/bin/env bash
# Modbus efficiency: one full EM340 refresh (requests, bytes, cycle) against the wire floor at 9600 baud.
# Prints "measure|gateway|comparison|note" rows (bench/run.sh folds them into its table).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run --project bench/Gateway.Bench -c Release 2>/dev/null | grep '|'
