#!/usr/bin/env bash
# Builds the Debian package gateway_<version>_<arch>.deb with dpkg-deb only (no debhelper):
# the native-AOT binary, its systemd units, udev and polkit rules, the example config and maintainer scripts.
# Usage: packaging/build-deb.sh ARCH [OUTPUT_DIR]
#   ARCH        arm64 (the product; binary from out/linux-arm64, built by ./publish-arm64.sh if missing)
#               amd64 (the same package for x64, used by packaging/test-deb.sh; binary from out/linux-x64)
#   OUTPUT_DIR  where the .deb goes (default: out/deb)
# Environment: GATEWAY_BIN_DIR=DIR uses an already published output directory instead of out/linux-<rid>.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
arch=${1:?usage: packaging/build-deb.sh arm64|amd64 [OUTPUT_DIR]}
outdir=${2:-out/deb}
case "$outdir" in /*) ;; *) outdir="$root/$outdir" ;; esac

case "$arch" in
  arm64) rid=linux-arm64 ;;
  amd64) rid=linux-x64 ;;
  *) echo "build-deb: unsupported architecture '$arch' (arm64 or amd64)" >&2; exit 2 ;;
esac
bindir=${GATEWAY_BIN_DIR:-$root/out/$rid}

if [ ! -x "$bindir/gateway" ]; then
  echo "==> no binary in $bindir: publishing $rid"
  if [ "$arch" = arm64 ]; then
    "$root/publish-arm64.sh" "$bindir"
  else
    dotnet publish src/Gateway -c Release -r "$rid" -nologo -p:PublishAot=true -o "$bindir"
  fi
fi
expect=$([ "$arch" = arm64 ] && echo 'ARM aarch64' || echo 'x86-64')
file "$bindir/gateway" | grep -q "$expect" || { echo "build-deb: $bindir/gateway is not a $arch binary" >&2; exit 1; }

version=$(sed -nE 's:.*<Version>([^<]+)</Version>.*:\1:p' Directory.Build.props | head -1)
[ -n "$version" ] || { echo "build-deb: no <Version> in Directory.Build.props" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/gateway"
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/lib/gateway" "$pkg/usr/lib/systemd/system" \
  "$pkg/usr/lib/udev/rules.d" "$pkg/etc/udev/rules.d" "$pkg/usr/share/polkit-1/rules.d" "$pkg/etc/gateway" \
  "$pkg/usr/share/gateway" "$pkg/usr/share/doc/gateway"

# The binary lives in /usr/lib/gateway next to its native side-car libraries (the runtime looks for them beside
# the real executable); /usr/bin/gateway is a symlink to it.
install -m 0755 "$bindir/gateway" "$pkg/usr/lib/gateway/gateway"
for so in "$bindir"/*.so; do
  [ -e "$so" ] && install -m 0644 "$so" "$pkg/usr/lib/gateway/"
done
ln -s ../lib/gateway/gateway "$pkg/usr/bin/gateway"
install -m 0755 systemd/gateway-shutdown-action "$pkg/usr/lib/gateway/gateway-shutdown-action"

install -m 0644 systemd/gateway.service systemd/gateway-shutdown@.service systemd/gateway-firstboot.service \
  "$pkg/usr/lib/systemd/system/"
# Package-owned udev rules (GPIO group; the USB HID UPS rule when present). The serial-adapter rule is meant
# to be edited, so it is a conffile in /etc.
for rules in systemd/*.rules; do
  case "$(basename "$rules")" in
    50-gateway-shutdown.rules) install -m 0644 "$rules" "$pkg/usr/share/polkit-1/rules.d/" ;;
    99-gateway-serial.rules) install -m 0644 "$rules" "$pkg/etc/udev/rules.d/" ;;
    *) install -m 0644 "$rules" "$pkg/usr/lib/udev/rules.d/" ;;
  esac
done

example="$root/config.yaml.example"
if [ -f "$example" ]; then
  install -m 0644 "$example" "$pkg/usr/share/gateway/config.yaml.example"
else
  echo "build-deb: warning: config.yaml.example is missing; packaging a minimal example" >&2
  printf '%s\n' '# Power Gateway configuration (minimal; see /usr/share/doc/gateway for every key).' \
    'gateway:' '  name: gateway' 'devices: []' > "$pkg/usr/share/gateway/config.yaml.example"
fi
install -m 0640 "$pkg/usr/share/gateway/config.yaml.example" "$pkg/etc/gateway/config.yaml"

[ -f docs/appliance.md ] && install -m 0644 docs/appliance.md "$pkg/usr/share/doc/gateway/appliance.md"
cat > "$pkg/usr/share/doc/gateway/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: gateway
Comment: Power Gateway, a native-AOT .NET appliance for UPS and energy-meter monitoring.
EOF

installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<EOF
Package: gateway
Version: $version
Architecture: $arch
Maintainer: Power Gateway maintainers <gateway@localhost>
Section: admin
Priority: optional
Installed-Size: $installed_kb
Depends: libc6 (>= 2.34), adduser, libsqlite3-0, libssl3 | libssl3t64, openssh-client
Recommends: polkitd, systemd
Suggests: nut-client, mosquitto
Description: Power Gateway - UPS and energy meter appliance
 Reads a MUST EP20 UPS and a Carlo Gavazzi EM340 meter over Modbus RTU (or a UPS
 from a NUT server), serves the readings as a NUT server, to Home Assistant over
 MQTT and on a web dashboard, and shuts down VMs, containers, NAS clients and
 remote hosts when the battery runs low. One native-AOT binary run by systemd.
EOF
printf '%s\n' /etc/gateway/config.yaml /etc/udev/rules.d/99-gateway-serial.rules > "$pkg/DEBIAN/conffiles"
for s in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$s" "$pkg/DEBIAN/$s"
done

mkdir -p "$outdir"
deb="$outdir/gateway_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
