#!/usr/bin/env bash
# Appliance settings for the image's root file system. Run by build-image.sh as an mmdebstrap customize hook:
#   image/customize-rootfs.sh ROOTFS
# Files are written directly; units are enabled with `systemctl --root` (no systemd needed); users are created
# in the chroot (arm64, through qemu-aarch64 binfmt).
set -euo pipefail
r=${1:?usage: customize-rootfs.sh ROOTFS}
files="$(cd "$(dirname "$0")" && pwd)/files"

echo gateway >"$r/etc/hostname"
cat >"$r/etc/hosts" <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	gateway
::1		localhost ip6-localhost ip6-loopback
HOSTS

# No swap entry: the appliance never swaps to the SD card. noatime and a 60 s commit interval cut writes.
cat >"$r/etc/fstab" <<'FSTAB'
# <file system>     <mount point>   <type> <options>                               <dump> <pass>
LABEL=RASPIROOT     /               ext4   rw,noatime,commit=60,errors=remount-ro  0      1
LABEL=RASPIFIRM     /boot/firmware  vfat   rw,noatime,umask=0022                   0      2
FSTAB
systemctl --root="$r" mask swap.target >/dev/null

# Journal in RAM, bounded.
install -D -m 0644 "$files/50-gateway-journald.conf" "$r/etc/systemd/journald.conf.d/50-gateway.conf"
# /tmp in RAM.
if [ -f "$r/usr/share/systemd/tmp.mount" ]; then
  install -m 0644 "$r/usr/share/systemd/tmp.mount" "$r/etc/systemd/system/tmp.mount"
  systemctl --root="$r" enable tmp.mount >/dev/null
fi
# No unattended apt runs writing to the card at random times.
systemctl --root="$r" mask apt-daily.timer apt-daily-upgrade.timer >/dev/null

# Network: DHCP on Ethernet with systemd-networkd, DNS through systemd-resolved, time through timesyncd.
install -D -m 0644 "$files/10-wired.network" "$r/etc/systemd/network/10-wired.network"
systemctl --root="$r" enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service >/dev/null

# Time without an RTC: fake-hwclock restores the last saved time at boot; save it hourly too.
install -m 0644 "$files/fake-hwclock-save.service" "$files/fake-hwclock-save.timer" "$r/etc/systemd/system/"
systemctl --root="$r" enable fake-hwclock.service fake-hwclock-save.timer >/dev/null

# SSH on; host keys are made per device at first boot, not baked into the image.
systemctl --root="$r" enable ssh.service >/dev/null
rm -f "$r"/etc/ssh/ssh_host_*
install -D -m 0755 "$files/appliance-firstboot" "$r/usr/lib/gateway-image/appliance-firstboot"
install -m 0644 "$files/appliance-firstboot.service" "$r/etc/systemd/system/appliance-firstboot.service"
systemctl --root="$r" enable appliance-firstboot.service >/dev/null

# The administrator: "admin", key-only SSH login unless ADMIN_PASSWORD is set at build time; sudo without password.
if ! chroot "$r" getent passwd admin >/dev/null; then
  chroot "$r" useradd --create-home --shell /bin/bash --groups sudo,dialout,gpio,adm admin
fi
if [ -n "${ADMIN_PASSWORD:-}" ]; then
  printf 'admin:%s\n' "$ADMIN_PASSWORD" | chroot "$r" chpasswd
else
  chroot "$r" usermod -p '*' admin
fi
echo 'admin ALL=(ALL) NOPASSWD: ALL' >"$r/etc/sudoers.d/010-admin-nopasswd"
chmod 0440 "$r/etc/sudoers.d/010-admin-nopasswd"

# The gateway is installed and enabled by its package; make sure it is (e.g. after a --deb from elsewhere).
systemctl --root="$r" enable gateway.service gateway-firstboot.service >/dev/null

# Boot files: Debian's raspi-firmware hook copies the firmware, kernel, initrd and DTBs to /boot/firmware and writes
# config.txt and cmdline.txt. Root by file-system label (the partitions are made by build-image.sh); console on
# the screen only, so the Pi's UART stays free for a serial HAT.
sed -i -E 's/^#? *ROOTPART=.*/ROOTPART=LABEL=RASPIROOT/; s/^#? *CONSOLES=.*/CONSOLES="tty0"/' "$r/etc/default/raspi-firmware"
grep -q '^ROOTPART=' "$r/etc/default/raspi-firmware" || echo 'ROOTPART=LABEL=RASPIROOT' >>"$r/etc/default/raspi-firmware"
grep -q '^CONSOLES=' "$r/etc/default/raspi-firmware" || echo 'CONSOLES="tty0"' >>"$r/etc/default/raspi-firmware"
kver=$(basename "$(ls -d "$r"/lib/modules/* | sort -V | tail -1)")
# build-image.sh diverts update-initramfs during the package installation (every kernel/udev/... trigger would
# rebuild the initrd under qemu, ~10 min each on a loaded machine); build it once, now.
if chroot "$r" dpkg-divert --list /usr/sbin/update-initramfs | grep -q .; then
  rm -f "$r/usr/sbin/update-initramfs"
  chroot "$r" dpkg-divert --local --rename --remove /usr/sbin/update-initramfs >/dev/null
  chroot "$r" update-initramfs -c -k "$kver"
fi
chroot "$r" env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "$kver" "/boot/vmlinuz-$kver"

# Every card gets its own machine id at first boot.
: >"$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id"
