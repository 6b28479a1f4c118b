# Sourced by packaging/test-systemd.sh and packaging/outage-drill.sh: the cached amd64 Debian root file systems they
# boot with systemd-nspawn. Needs root, mmdebstrap and systemd-container (installed here when missing).
#   ensure_tools            mmdebstrap and systemd-nspawn on this machine
#   ensure_base CACHE       CACHE/base: bookworm minbase + systemd, dbus, polkitd, the package's dependencies, curl
#   ensure_layer CACHE NAME PACKAGES...
#                           CACHE/NAME: base + PACKAGES (apt-get in a chroot, no service started); rebuilt when the
#                           package list changes
#   fresh_root CACHE FROM MACHINE DEB
#                           CACHE/MACHINE: a fresh copy of CACHE/FROM with the package DEB installed (dpkg -i)
ensure_tools() {
  for p in mmdebstrap systemd-container; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap systemd-container >/dev/null
      break; }
  done
}

ensure_base() {
  local cache=$1 base="$1/base"
  mkdir -p "$cache"
  # The package's Depends (packaging/build-deb.sh) must be here: fresh_root installs it with dpkg -i.
  local include="systemd-sysv dbus polkitd libsqlite3-0 libssl3 adduser openssh-client curl ca-certificates"
  [ -x "$base/usr/bin/systemctl" ] && [ "$(cat "$base/.base-packages" 2>/dev/null)" = "$include" ] && return 0
  echo "==> building the base root file system (amd64, once; cached in $base/)"
  mmdebstrap --mode=root --variant=minbase --aptopt='Apt::Install-Recommends "false"' \
    --include="$include" \
    bookworm "$base.new" /etc/apt/sources.list.d/debian.sources >"$cache/mmdebstrap.log" 2>&1 \
    || { tail -20 "$cache/mmdebstrap.log"; return 1; }
  echo "$include" >"$base.new/.base-packages"
  rm -rf "$base"; mv "$base.new" "$base"
}

ensure_layer() {
  local cache=$1 name=$2; shift 2
  local layer="$cache/$name" want="$*"
  # Rebuilt too when the base was rebuilt after it (the base's package list changed).
  [ -f "$layer/.layer-packages" ] && [ "$(cat "$layer/.layer-packages")" = "$want" ] \
    && ! [ "$cache/base/.base-packages" -nt "$layer/.layer-packages" ] && return 0
  echo "==> building the $name root file system: base + $want (once; cached in $layer/)"
  rm -rf "$layer.new"; cp -a "$cache/base" "$layer.new"
  cp /etc/resolv.conf "$layer.new/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$layer.new/usr/sbin/policy-rc.d"; chmod +x "$layer.new/usr/sbin/policy-rc.d"
  # shellcheck disable=SC2086
  chroot "$layer.new" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $want" \
    >"$cache/$name.log" 2>&1 || { tail -20 "$cache/$name.log"; return 1; }
  chroot "$layer.new" apt-get clean
  rm -f "$layer.new/usr/sbin/policy-rc.d"
  echo "$want" >"$layer.new/.layer-packages"
  rm -rf "$layer"; mv "$layer.new" "$layer"
}

fresh_root() {
  local cache=$1 from=$2 machine=$3 deb=$4
  local rootfs="$cache/$machine"
  rm -rf "$rootfs"; mkdir -p "$rootfs"
  cp -a "$cache/$from/." "$rootfs/"
  cp "$deb" "$rootfs/tmp/gateway.deb"
  chroot "$rootfs" dpkg -i /tmp/gateway.deb >"$cache/$machine.dpkg.log" 2>&1 || { cat "$cache/$machine.dpkg.log"; return 1; }
  rm -f "$cache/$machine.dpkg.log"
}
