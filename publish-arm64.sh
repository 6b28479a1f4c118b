#!/usr/bin/env bash
# Builds the product: one trimmed, stripped native-AOT `gateway` binary for linux-arm64 (Raspberry Pi OS 64-bit),
# cross-compiled on an x64 Debian machine, and proves it runs under qemu-aarch64-static:
#   1. installs the cross toolchain with apt-get, only what is missing;
#   2. dotnet publish -r linux-arm64 (fails on any build error or IL2xxx/IL3xxx trim/AOT warning);
#   3. `gateway --version` and `gateway check-config config.yaml.example` under qemu;
#   4. runs the binary (demo mode when available) under qemu for ~20 s and checks that /api/health answers 200;
#   5. prints the binary size and lists any side-car native libraries next to it.
# Usage: ./publish-arm64.sh [OUTPUT_DIR]     (default: out/linux-arm64)
# Environment: SKIP_RUN_CHECK=1 skips step 4; RUN_SECONDS (default 20).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
out=${1:-out/linux-arm64}
case "$out" in /*) ;; *) out="$root/$out" ;; esac
run_seconds=${RUN_SECONDS:-20}

say() { printf '==> %s\n' "$*"; }
die() { printf 'publish-arm64: %s\n' "$*" >&2; exit 1; }

# --- 1. toolchain -----------------------------------------------------------------------------------------------
pkgs=(clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross zlib1g-dev binutils-aarch64-linux-gnu qemu-user-static curl file)
"$root/scripts/ensure-packages.sh" "${pkgs[@]}"
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"

# --- 2. publish -------------------------------------------------------------------------------------------------
say "publishing linux-arm64 native AOT into $out"
rm -rf "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet publish src/Gateway -c Release -r linux-arm64 -nologo \
  -p:PublishAot=true -p:ObjCopyName=aarch64-linux-gnu-objcopy \
  -o "$out" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# The same warning is printed once per project and once in the summary; show each once.
if grep -Eq '(warning|error) IL[23][0-9]{3}' "$log"; then
  echo "---- trim/AOT warnings ----" >&2
  grep -Eo '[^ ]*(warning|error) IL[23][0-9]{3}:.*' "$log" | sort -u >&2
  die "trim/AOT warnings (IL2xxx/IL3xxx) in the arm64 publish: the product must have none"
fi
[ "$rc" -eq 0 ] || die "dotnet publish failed (exit $rc)"
grep -Eq ': error [A-Z]+[0-9]+:' "$log" && die "dotnet publish printed errors"
bin="$out/gateway"
[ -x "$bin" ] || die "no binary at $bin"
file "$bin" 2>/dev/null | grep -q 'ARM aarch64' || die "$bin is not an arm64 ELF: $(file "$bin")"

# --- 3. run it under qemu ---------------------------------------------------------------------------------------
qemu=$(command -v qemu-aarch64-static) || die "qemu-aarch64-static not found"
# The binary is dynamically linked against the arm64 glibc; the cross libc6 package provides the loader and libs.
export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
# On a Pi, libssl3 and libsqlite3 come with the OS (the package depends on them); .NET loads them at run time
# (hashing aborts the process without libssl). The cross toolchain has neither, so put Debian's arm64 builds of the
# two libraries beside the cross libc (once; apt learns the arm64 architecture for that).
arm64_runtime_libs() {
  [ -e "$QEMU_LD_PREFIX/lib/libssl.so.3" ] && [ -e "$QEMU_LD_PREFIX/lib/libsqlite3.so.0" ] && return 0
  say "installing Debian's arm64 libssl3 and libsqlite3-0 into $QEMU_LD_PREFIX/lib for qemu"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
  local d; d=$(mktemp -d)
  (cd "$d" && apt-get download -qq libssl3:arm64 libsqlite3-0:arm64) || return 1
  for deb in "$d"/*.deb; do dpkg-deb -x "$deb" "$d/x"; done
  $sudo cp -a "$d"/x/usr/lib/aarch64-linux-gnu/libssl.so.3 "$d"/x/usr/lib/aarch64-linux-gnu/libcrypto.so.3 \
    "$d"/x/usr/lib/aarch64-linux-gnu/libsqlite3.so.0* "$QEMU_LD_PREFIX/lib/"
  rm -rf "$d"
}
arm64_runtime_libs || die "cannot install Debian's arm64 libssl3/libsqlite3-0 for the qemu run (apt-get download libssl3:arm64 failed)"
say "gateway --version (qemu-aarch64)"
version=$("$qemu" "$bin" --version) || die "the arm64 binary failed to run --version under qemu"
echo "$version"

example="$root/config.yaml.example"
if [ -f "$example" ]; then
  say "gateway check-config config.yaml.example (qemu-aarch64)"
  "$qemu" "$bin" check-config "$example" || die "check-config config.yaml.example failed on the arm64 binary"
else
  die "config.yaml.example is missing at the repository root"
fi

# --- 4. demo mode answers /api/health -----------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}
if [ "${SKIP_RUN_CHECK:-0}" != 1 ]; then
  port=$(free_port)
  url="http://127.0.0.1:$port"
  state=$(mktemp -d)
  runlog="$state/run.log"
  # Demo mode (--simulate) when the binary offers it, else a plain run with no devices; both must serve health.
  mode=(run --simulate)
  "$qemu" "$bin" run --help 2>/dev/null | grep -q -- '--simulate' || mode=(run)
  say "gateway ${mode[*]} under qemu for ${run_seconds}s on $url"
  # A clean directory and HOME so that no config file of this machine is picked up.
  ( cd "$state" && exec env HOME="$state" GATEWAY_GATEWAY__DATA_DIR="$state/data" \
      "$qemu" "$bin" "${mode[@]}" --set "web.listen=$url" ) >"$runlog" 2>&1 &
  pid=$!
  stop_gateway() { kill -TERM "$pid" 2>/dev/null || true; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done; kill -KILL "$pid" 2>/dev/null || true; }
  trap 'stop_gateway; rm -f "$log"; rm -rf "$state"' EXIT
  healthy=0
  first_ok=""
  deadline=$((SECONDS + run_seconds))
  # The first start under qemu can take a few seconds; keep polling until the window ends, and require that
  # health answers at the end of it too (the process must stay up for the whole window).
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$runlog" >&2; die "the arm64 gateway exited during the run check"; }
    code=$(curl -s -o "$state/health.json" -w '%{http_code}' --max-time 5 "$url/api/health" || true)
    if [ "$code" = 200 ]; then healthy=$((healthy + 1)); [ -n "$first_ok" ] || first_ok=$SECONDS; fi
    sleep 1
  done
  code=$(curl -s -o "$state/health.json" -w '%{http_code}' --max-time 5 "$url/api/health" || true)
  if [ "$code" != 200 ] || [ "$healthy" -eq 0 ]; then
    cat "$runlog" >&2
    die "/api/health did not answer 200 (last: ${code:-none}) within ${run_seconds}s"
  fi
  echo "/api/health answered 200 $healthy times; body: $(head -c 400 "$state/health.json")"
  stop_gateway
  wait "$pid" 2>/dev/null && echo "stopped cleanly on SIGTERM" || echo "exit code after SIGTERM: $?"
  trap 'rm -f "$log"; rm -rf "$state"' EXIT
fi

# --- 5. size and side-cars --------------------------------------------------------------------------------------
size=$(stat -c %s "$bin")
say "arm64 binary: $bin  $size bytes ($(numfmt --to=iec --suffix=B "$size"))"
mapfile -t sidecars < <(cd "$out" && find . -maxdepth 1 -type f -name '*.so*' -printf '%f\n' | sort)
if ((${#sidecars[@]})); then
  echo "side-car native libraries next to the binary (ship them with it):"
  for f in "${sidecars[@]}"; do printf '  %s  %s bytes\n' "$f" "$(stat -c %s "$out/$f")"; done
fi
