#!/usr/bin/env bash
# Proves tests/packages.txt is complete on a fresh machine: a clean minimal Debian 12 root (mmdebstrap, variant
# minbase, no recommends), then, inside it with chroot, exactly what ./test.sh does first: scripts/ensure-packages.sh
# with the list (apt-get install --no-install-recommends), then scripts/preflight.sh, which must find every tool and
# Python module the tests use.
# Usage: ci/check-fresh-packages.sh        (root; cold ~5 min, mostly downloads; warm: seconds)
# Cache (default /var/cache/power-gateway-ci/fresh-packages, outside the clone so CI runs from fresh clones share it; or FRESH_ROOT_CACHE=DIR): the minbase root, the downloaded .debs, and the
# installed root of the last passing run with a stamp of its three inputs; when none of them changed, only the
# preflight runs again in that root. FRESH_ROOT_REBUILD=1 ignores the installed root (the .debs stay cached).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "check-fresh-packages: run as root (mmdebstrap --mode=root, chroot)" >&2; exit 2; }
started=$SECONDS
scripts/ensure-packages.sh mmdebstrap

cache=${FRESH_ROOT_CACHE:-/var/cache/power-gateway-ci/fresh-packages}
base="$cache/base"; debs="$cache/debs"; work="$cache/installed"
mkdir -p "$cache" "$debs"
inputs=(tests/packages.txt scripts/ensure-packages.sh scripts/preflight.sh)
stamp=$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)

if [ ! -x "$base/usr/bin/apt-get" ]; then
  echo "==> building a minimal Debian 12 root (minbase, no recommends; once, cached in $base/)"
  rm -rf "$base.new"
  mmdebstrap --mode=root --variant=minbase --aptopt='Apt::Install-Recommends "false"' \
    bookworm "$base.new" /etc/apt/sources.list.d/debian.sources >"$cache/mmdebstrap.log" 2>&1 \
    || { tail -20 "$cache/mmdebstrap.log"; exit 1; }
  rm -rf "$base"; mv "$base.new" "$base"
fi

mounted=()
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done; }
trap cleanup EXIT
bind() { mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2"); }

fresh=1
if [ -z "${FRESH_ROOT_REBUILD:-}" ] && [ -f "$work/.stamp" ] && [ "$(cat "$work/.stamp")" = "$stamp" ]; then
  fresh=0
  echo "==> tests/packages.txt and the scripts are unchanged since the last pass: preflight again in $work/"
else
  echo "==> copying the minimal root to $work/"
  rm -rf "$work"; cp -a "$base" "$work"
fi
mkdir -p "$work/fresh"
cp "${inputs[@]}" "$work/fresh/"
cp /etc/resolv.conf "$work/etc/resolv.conf"
# No daemon may start inside the chroot (it shares this machine's network): mosquitto, sshd, upsd ...
printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"; chmod +x "$work/usr/sbin/policy-rc.d"
mount -t proc proc "$work/proc"; mounted+=("$work/proc")
bind /dev "$work/dev"
bind "$debs" "$work/var/cache/apt/archives"

if ((fresh)); then
  echo "==> inside: scripts/ensure-packages.sh \$(tests/packages.txt), as ./test.sh does"
  chroot "$work" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root bash -c \
    'cd /fresh && mapfile -t pkgs < <(grep -v "^\s*#" packages.txt | awk "NF { print \$1 }") && ./ensure-packages.sh "${pkgs[@]}"'
fi
echo "==> inside: scripts/preflight.sh"
chroot "$work" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /fresh/preflight.sh /fresh/packages.txt
echo "$stamp" >"$work/.stamp"
echo "==> check-fresh-packages: passed in $((SECONDS - started)) s"
