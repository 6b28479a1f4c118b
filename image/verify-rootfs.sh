#!/usr/bin/env bash
# Verifies an arm64 root file system built by build-image.sh, on an x64 host: chroot runs the arm64 binaries
# through qemu-aarch64-static (binfmt_misc). Checks that the gateway service is enabled, that its binary runs
# (--version, check-config, demo mode answering /api/health as the gateway user), and the appliance settings.
# Usage: image/verify-rootfs.sh ROOTFS       Prints "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
r=$(realpath "${1:?usage: verify-rootfs.sh ROOTFS}")
[ "$(id -u)" -eq 0 ] || { echo "verify-rootfs: run as root (chroot)" >&2; exit 2; }
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
log=$(mktemp)
check() { local what=$1; shift; if "$@" >"$log" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/       /' "$log" | head -20; fi; }
enabled() { [ "$(systemctl --root="$r" is-enabled "$1" 2>/dev/null)" = enabled ]; }

mounted=()
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && sleep 2 && kill -KILL "$pid" 2>/dev/null
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null; done
  rm -f "$log"
}
trap cleanup EXIT
# /proc and /dev for the chroot (pseudo file systems, no loop devices); skipped when already there.
if ! mountpoint -q "$r/proc"; then mount -t proc proc "$r/proc" && mounted+=("$r/proc"); fi
if ! mountpoint -q "$r/dev"; then mount --bind /dev "$r/dev" && mounted+=("$r/dev"); fi
in_root() { chroot "$r" "$@"; }

# --- the gateway -------------------------------------------------------------------------------------------------
check "gateway binary is arm64" bash -c "file -L '$r/usr/lib/gateway/gateway' | grep -q 'ARM aarch64'"
check "gateway package installed" bash -c "chroot '$r' dpkg-query -W -f='\${Status}' gateway | grep -q 'install ok installed'"
check "gateway --version runs (qemu-aarch64)" in_root /usr/bin/gateway --version
check "gateway check-config /etc/gateway/config.yaml as user gateway" \
  in_root runuser -u gateway -- /usr/bin/gateway check-config /etc/gateway/config.yaml
for unit in gateway.service gateway-firstboot.service; do check "$unit enabled" enabled "$unit"; done
check "systemd-analyze verify gateway.service (in the image)" bash -c \
  "out=\$(chroot '$r' systemd-analyze verify --man=no gateway.service 2>&1); rc=\$?; echo \"\$out\"; [ \$rc -eq 0 ] && ! grep -q gateway <<<\"\$out\""
check "gateway.service security OK or better (in the image)" \
  in_root systemd-analyze security --offline=yes --threshold=49 /usr/lib/systemd/system/gateway.service
check "user gateway exists; groups dialout and gpio exist" bash -c "chroot '$r' getent passwd gateway && chroot '$r' getent group gpio && chroot '$r' getent group dialout"
check "polkit rule for the shutdown actions installed" test -f "$r/usr/share/polkit-1/rules.d/50-gateway-shutdown.rules"

# Demo mode under qemu, as the service user, answers /api/health.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
demo=$(mktemp -d "$r/tmp/verify.XXXXXX"); chmod 0755 "$demo"
printf 'gateway:\n  name: gateway\n  data_dir: /tmp/%s/data\n' "$(basename "$demo")" >"$demo/demo.yaml"
chroot "$r" chown -R gateway:gateway "/tmp/$(basename "$demo")"
mode=(run --simulate); chroot "$r" /usr/bin/gateway run --help 2>/dev/null | grep -q -- --simulate || mode=(run)
chroot "$r" runuser -u gateway -- /usr/bin/gateway "${mode[@]}" --config "/tmp/$(basename "$demo")/demo.yaml" \
  --set "web.listen=http://127.0.0.1:$port" >"$demo/run.log" 2>&1 &
pid=$!
health() {
  for _ in $(seq 1 120); do
    [ "$(curl -s -o "$demo/health.json" -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/api/health")" = 200 ] \
      && { head -c 300 "$demo/health.json"; echo; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$demo/run.log"; return 1; }
    sleep 0.5
  done
  cat "$demo/run.log"; return 1
}
check "gateway ${mode[*]} in the image (qemu, user gateway) answers /api/health 200" health
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
rm -rf "$demo"

# --- appliance settings ------------------------------------------------------------------------------------------
for unit in ssh.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
            fake-hwclock.service fake-hwclock-save.timer appliance-firstboot.service tmp.mount; do
  check "$unit enabled" enabled "$unit"
done
check "swap.target masked and no swap in fstab" bash -c \
  "[ \"\$(systemctl --root='$r' is-enabled swap.target)\" = masked ] && ! grep -v '^#' '$r/etc/fstab' | grep -qw swap"
check "journald: Storage=volatile with RuntimeMaxUse" bash -c \
  "grep -qx 'Storage=volatile' '$r/etc/systemd/journald.conf.d/50-gateway.conf' && grep -q '^RuntimeMaxUse=' '$r/etc/systemd/journald.conf.d/50-gateway.conf'"
check "fake-hwclock installed" test -x "$r/sbin/fake-hwclock"
check "no SSH host keys baked into the image" bash -c "! ls '$r'/etc/ssh/ssh_host_* 2>/dev/null | grep -q ."
check "nut-server and nut-client installed" bash -c "chroot '$r' dpkg-query -W nut-server nut-client"
check "admin user in sudo, with sudoers drop-in" bash -c "chroot '$r' id -nG admin | grep -qw sudo && test -f '$r/etc/sudoers.d/010-admin-nopasswd'"
check "sudoers drop-in parses" in_root visudo -cf /etc/sudoers.d/010-admin-nopasswd

# --- boot files (Debian's raspi-firmware + linux-image-arm64) ---------------------------------------------------
fw="$r/boot/firmware"
for f in config.txt cmdline.txt start4.elf fixup4.dat bcm2711-rpi-4-b.dtb bcm2837-rpi-3-b-plus.dtb; do
  check "boot partition has $f" test -s "$fw/$f"
done
check "boot partition has the kernel and initrd" bash -c "ls '$fw' | grep -q '^vmlinuz' && ls '$fw' | grep -q '^initrd.img'"
check "cmdline.txt mounts root by label RASPIROOT" grep -q 'root=LABEL=RASPIROOT' "$fw/cmdline.txt"
check "config.txt is for 64-bit" grep -q 'arm_64bit=1' "$fw/config.txt"

echo "verify-rootfs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
