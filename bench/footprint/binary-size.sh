#!/usr/bin/env bash
# Size breakdown of the native-AOT binary: publishes src/Gateway for a runtime identifier with ILC's map file and
# prints markdown tables per assembly, per namespace (approx.) and per node kind (bench/footprint/binary-size.py).
#   bench/footprint/binary-size.sh [RID] [extra dotnet publish args...]     (RID default linux-arm64)
# Example: bench/footprint/binary-size.sh linux-arm64 -p:StackTraceSupport=false   (what a switch would save)
# The publish goes to a temporary directory; the repository's out/ is not touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
rid=${1:-linux-arm64}
shift || true
out=$(mktemp -d /tmp/gw-size.XXXXXX)
trap 'rm -rf "$out"' EXIT
extra=()
[ "$rid" = linux-arm64 ] && extra+=(-p:ObjCopyName=aarch64-linux-gnu-objcopy)
dotnet publish src/Gateway -c Release -r "$rid" -nologo -clp:ErrorsOnly -p:PublishAot=true \
  -p:IlcGenerateMapFile=true "${extra[@]}" "$@" -o "$out" >&2
python3 bench/footprint/binary-size.py "src/Gateway/obj/Release/net10.0/$rid/native" "$out/gateway"
