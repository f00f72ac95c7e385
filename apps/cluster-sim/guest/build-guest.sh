#!/usr/bin/env bash
# Builds the tiny vmdeck guest: a Debian cloud kernel (vmlinuz) and a busybox-static
# initramfs (initrd.img). Idempotent; run as root. Usage: build-guest.sh [OUT_DIR]
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../../.." && pwd)
out=${1:-$repo_root/.vmdeck/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- host packages -----------------------------------------------------------
packages=(qemu-system-x86 busybox-static)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
updated=0
apt_update() { ((updated)) || apt-get update -qq; updated=1; }
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- up to date? ---------------------------------------------------------------
# The stamp holds the hash of this script: editing the guest definition rebuilds it.
stamp="$out/.stamp"
want=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
if [[ -f $stamp && -f $out/vmlinuz && -f $out/initrd.img && $(head -n1 "$stamp") == "$want" ]]; then
  echo "guest image up to date ($out)"
  exit 0
fi

# --- kernel ------------------------------------------------------------------------
# The metapackage depends on the current versioned package, e.g. linux-image-6.1.0-56-cloud-amd64.
kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n1
}
kpkg=$(kernel_package)
if [[ -z $kpkg ]]; then # no package lists yet
  apt_update
  kpkg=$(kernel_package)
fi
[[ -n $kpkg ]] || { echo "cannot resolve linux-image-cloud-amd64" >&2; exit 1; }
kver=${kpkg#linux-image-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Sandbox user root: the temp dir is not writable by apt's _apt user.
(cd "$work" && apt-get download -qq -o APT::Sandbox::User=root "$kpkg")
dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
moddir="$work/kernel/lib/modules/$kver/kernel"

# --- initramfs ---------------------------------------------------------------------
root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,root,etc/init.d,var/log,lib/modules}
cp /bin/busybox "$root/bin/busybox"
# Applets as symlinks made now, so the guest does not spend boot time on it.
for applet in $(/bin/busybox --list); do
  [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
done
# The kernel opens /dev/console before /init runs; devtmpfs replaces the rest later.
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
# system_powerdown sends an ACPI power-button event: button.ko turns it into an input
# event, evdev.ko exposes it as /dev/input/eventN, and busybox acpid acts on it.
cp "$moddir/drivers/input/evdev.ko" "$moddir/drivers/acpi/button.ko" "$root/lib/modules/"

echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec /bin/init
EOF

cat >"$root/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
ttyS0::respawn:-/bin/sh
tty1::respawn:-/bin/sh
::ctrlaltdel:/bin/reboot
EOF

cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
mkdir -p /dev/pts /dev/input
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
hostname vmdeck-guest
for arg in $(cat /proc/cmdline); do
  case "$arg" in vmdeck.hostname=*) hostname "${arg#*=}" ;; esac
done
insmod /lib/modules/evdev.ko
insmod /lib/modules/button.ko
acpid -l /var/log/acpid.log
printf '\033c' >/dev/tty1 # clear firmware and decompressor lines off the VNC screen
EOF

# busybox acpid maps the power button to "PWRF/00000080" and runs that file in /etc/acpi.
mkdir -p "$root/etc/acpi/PWRF"
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "vmdeck guest $(hostname) powering off" | tee /dev/ttyS0 >/dev/tty1
poweroff -f
EOF

# Each console's login shell prints the banner, so it appears once the shell reads input.
cat >"$root/etc/profile" <<'EOF'
export HOME=/root PATH=/bin PS1='\u@\h:\w\$ '
cd /root
echo "vmdeck guest $(hostname) ready on $(tty)"
EOF

chmod 755 "$root/init" "$root/etc/init.d/rcS" "$root/etc/acpi/PWRF/00000080"

(cd "$root" && find . | sort | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9 >"$work/initrd.img"
install -m 644 "$work/kernel/boot/vmlinuz-$kver" "$out/vmlinuz"
install -m 644 "$work/initrd.img" "$out/initrd.img"
printf '%s\n%s\n' "$want" "$kver" >"$stamp"
echo "guest image built: $out (kernel $kver, initrd $(du -h "$out/initrd.img" | cut -f1))"
