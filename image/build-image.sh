#!/usr/bin/env bash
# Builds a bootable Raspberry Pi SD-card image (arm64, Debian bookworm) with the gateway pre-installed,
# without loop mounts:
#   mmdebstrap (arm64, maintainer scripts under qemu-aarch64-static via binfmt_misc) -> root file system directory
#   image/customize-rootfs.sh   appliance settings (journald in RAM, no swap, fake-hwclock, SSH, first boot, ...)
#   image/verify-rootfs.sh      chroot checks under qemu: units enabled, `gateway --version`, demo mode answers
#   mkfs.vfat + mcopy           boot partition (Raspberry Pi firmware, kernel, initrd, DTBs, config.txt, cmdline.txt)
#   mke2fs -d                   root partition straight from the directory
#   sfdisk + dd                 MBR partition table and the two partitions into one .img
# Kernel and firmware come from Debian itself: linux-image-arm64 and raspi-firmware (non-free-firmware component),
# as in Debian's official Raspberry Pi images. This supports the Pi 3, Pi 4, Pi 400 and CM4; the Pi 5 needs
# Raspberry Pi OS (install the .deb there, see docs/appliance.md).
#
# Usage: image/build-image.sh [options]
#   --out DIR               output directory (default out/image)
#   --rootfs-only           stop after the verified root file system (no partitions, no .img)
#   --mosquitto             also install the mosquitto MQTT broker (for a Home Assistant without its own broker)
#   --authorized-keys FILE  SSH public keys for the "admin" user (else: put authorized_keys on the boot partition)
#   --deb FILE              use this gateway_*_arm64.deb (default: build it with packaging/build-deb.sh arm64)
#   --size SIZE             image size for sfdisk/truncate, e.g. 2G (default 2G; the root partition grows to the
#                           card at first boot)
#   --compress              also write IMAGE.xz
# Needs root (mmdebstrap --mode=root and chroot). Takes 15-25 minutes on 2 cores, mostly emulated dpkg work.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
here="$root/image"

out="$root/out/image"; rootfs_only=0; mosquitto=0; keys=""; deb=""; size=2G; compress=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --rootfs-only) rootfs_only=1; shift ;;
    --mosquitto) mosquitto=1; shift ;;
    --authorized-keys) keys=$(realpath "$2"); shift 2 ;;
    --deb) deb=$(realpath "$2"); shift 2 ;;
    --size) size=$2; shift 2 ;;
    --compress) compress=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$out" in /*) ;; *) out="$root/$out" ;; esac
[ "$(id -u)" -eq 0 ] || { echo "build-image: run as root (mmdebstrap --mode=root, chroot)" >&2; exit 2; }
started=$SECONDS
say() { printf '==> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }

# --- host tools --------------------------------------------------------------------------------------------------
"$root/scripts/ensure-packages.sh" mmdebstrap qemu-user-static dosfstools mtools fdisk e2fsprogs arch-test

# arm64 maintainer scripts run under qemu through binfmt_misc; register the interpreter if the host has not.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  say "registering qemu-aarch64 with binfmt_misc"
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register
fi
arch-test arm64 >/dev/null || { echo "build-image: this host cannot run arm64 binaries (binfmt/qemu)" >&2; exit 1; }

# --- the gateway package -----------------------------------------------------------------------------------------
if [ -z "$deb" ]; then
  say "building the gateway arm64 package"
  deb=$(packaging/build-deb.sh arm64 "$out" | tail -1)
fi
[ -f "$deb" ] || { echo "build-image: no package at $deb" >&2; exit 1; }
# The package goes in with dpkg -i in a customize hook (apt cannot hand a local .deb to a chrooted dpkg); its
# dependencies are in the package list below.
version=$(dpkg-deb -f "$deb" Version)

# --- root file system --------------------------------------------------------------------------------------------
mkdir -p "$out"
work="$out/work"
rootfs="$work/rootfs"
rm -rf "$work"; mkdir -p "$work"
# The archive is the one this host's apt uses (deb822 sources), with the non-free-firmware component added for
# raspi-firmware. MIRROR_SOURCES=FILE overrides with any apt sources file.
sources="$work/debian.sources"
if [ -n "${MIRROR_SOURCES:-}" ]; then
  cp "$MIRROR_SOURCES" "$sources"
elif [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sed -E 's/^Components:.*/Components: main non-free-firmware/' /etc/apt/sources.list.d/debian.sources >"$sources"
else
  grep -hE '^deb [^ ]+ bookworm' /etc/apt/sources.list | sed -E 's/ main.*$/ main non-free-firmware/' >"$work/debian.list"
  sources="$work/debian.list"
fi

packages=(
  systemd-sysv udev dbus polkitd kmod netbase iproute2 iputils-ping systemd-resolved
  linux-image-arm64 raspi-firmware initramfs-tools
  systemd-timesyncd fake-hwclock
  openssh-server sudo ca-certificates less nano
  cloud-guest-utils e2fsprogs dosfstools
  nut-server nut-client
  libsqlite3-0 libssl3 adduser
)
[ "$mosquitto" = 1 ] && packages+=(mosquitto)

say "mmdebstrap bookworm arm64 into $rootfs"
mmdebstrap --mode=root --arch=arm64 --variant=minbase \
  --aptopt='Apt::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-include=/usr/share/doc/gateway/*' \
  --include="${packages[*]}" \
  --essential-hook='chroot "$1" dpkg-divert --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true "$1/usr/sbin/update-initramfs"' \
  --customize-hook="copy-in \"$deb\" /tmp" \
  --customize-hook="chroot \"\$1\" dpkg -i \"/tmp/$(basename "$deb")\" && rm -f \"\$1/tmp/$(basename "$deb")\"" \
  --customize-hook="\"$here/customize-rootfs.sh\" \"\$1\"" \
  bookworm "$rootfs" "$sources"
say "root file system built: $(du -sh --exclude=proc "$rootfs" | cut -f1)"

if [ -n "$keys" ]; then
  install -d -m 0700 "$rootfs/home/admin/.ssh"
  install -m 0600 "$keys" "$rootfs/home/admin/.ssh/authorized_keys"
  chroot "$rootfs" chown -R admin:admin /home/admin/.ssh
fi

say "verifying the root file system (chroot, qemu-aarch64)"
"$here/verify-rootfs.sh" "$rootfs"
say "root file system verified"
if [ "$rootfs_only" = 1 ]; then
  say "done (--rootfs-only): $rootfs"
  exit 0
fi

# --- partitions --------------------------------------------------------------------------------------------------
bootdir="$work/boot"
mkdir -p "$bootdir"
# The FAT partition holds what /boot/firmware holds in the tree; the ext4 one gets an empty mount point there.
cp -a "$rootfs/boot/firmware/." "$bootdir/"
find "$rootfs/boot/firmware" -mindepth 1 -delete
[ -f "$bootdir/config.txt" ] && [ -f "$bootdir/cmdline.txt" ] || { echo "build-image: boot files missing" >&2; exit 1; }

boot_mib=256
total_bytes=$(numfmt --from=iec "$size")
root_start_mib=$((4 + boot_mib))
root_mib=$((total_bytes / 1048576 - root_start_mib))
used_mib=$(( $(du -sm --exclude=./proc --exclude=./sys "$rootfs" | cut -f1) ))
[ "$root_mib" -gt $((used_mib + 200)) ] || { echo "build-image: --size $size is too small (root needs ~$((used_mib + 200)) MiB)" >&2; exit 1; }

say "boot partition: FAT32 ${boot_mib} MiB (mkfs.vfat + mcopy)"
rm -f "$work/boot.img"
mkfs.vfat -C -F 32 -n RASPIFIRM -S 512 "$work/boot.img" $((boot_mib * 1024)) >/dev/null
mcopy -s -p -m -i "$work/boot.img" "$bootdir"/* ::/
fsck.vfat -n "$work/boot.img" >/dev/null

say "root partition: ext4 ${root_mib} MiB (mke2fs -d)"
rm -f "$work/root.img"
mke2fs -q -t ext4 -L RASPIROOT -E root_owner=0:0 -d "$rootfs" "$work/root.img" "${root_mib}M"
e2fsck -fn "$work/root.img" >/dev/null

img="$out/gateway-${version}-raspi-arm64.img"
say "disk image $img (sfdisk, dd)"
rm -f "$img"
truncate -s "$size" "$img"
sfdisk --quiet "$img" <<EOF
label: dos
unit: sectors
start=$((4 * 2048)), size=$((boot_mib * 2048)), type=c, bootable
start=$((root_start_mib * 2048)), type=83
EOF
dd if="$work/boot.img" of="$img" bs=1M seek=4 conv=notrunc,sparse status=none
dd if="$work/root.img" of="$img" bs=1M seek="$root_start_mib" conv=notrunc,sparse status=none
sfdisk -d "$img"
rm -rf "$work"
if [ "$compress" = 1 ]; then
  say "compressing"
  xz -T0 -3 -k -f "$img"
fi
say "done in $((SECONDS - started))s: $img ($(du -h --apparent-size "$img" | cut -f1), $(du -h "$img" | cut -f1) on disk)"
