#!/usr/bin/env bash
# Starts the libvirt daemon the tests use (Debian 12's libvirt-daemon 9.0 with
# its QEMU driver), in a container without systemd (DESIGN.md section 5).
#
# Idempotent: when /run/libvirt/libvirt-sock answers, it does nothing. Needs
# root. Prints nothing on success; on failure says what went wrong and shows
# the end of libvirtd's log.
#
# What it sets up, and why:
# - groups kvm and libvirt-qemu and the system user libvirt-qemu, which the
#   package expects and does not create without systemd-sysusers;
# - the directories libvirtd writes to;
# - /etc/libvirt/qemu.conf with user/group root (only when the file is
#   absent): as libvirt-qemu, QEMU cannot open the root-only /dev/kvm, and
#   libvirt then re-probes QEMU on every call (about 4 s each);
# - virtlogd, then libvirtd, as daemons.
set -euo pipefail

SOCK=/run/libvirt/libvirt-sock
LOG=/var/log/libvirt/libvirtd-guestdb.log

die() {
    echo "libvirtd-start.sh: error: $*" >&2
    exit 1
}

answers() {
    [ -S "$SOCK" ] && timeout 20 virsh -c qemu:///system version >/dev/null 2>&1
}

answers && exit 0

[ "$(id -u)" -eq 0 ] || die "starting libvirtd needs root: run 'sudo tools/libvirtd-start.sh'"
command -v libvirtd >/dev/null || die "libvirtd not found (Debian package libvirt-daemon); run tools/test-setup.sh"
command -v virtlogd >/dev/null || die "virtlogd not found (Debian package libvirt-daemon); run tools/test-setup.sh"
command -v virsh >/dev/null || die "virsh not found (Debian package libvirt-clients); run tools/test-setup.sh"

getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
if ! id libvirt-qemu >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /var/lib/libvirt \
        --shell /usr/sbin/nologin --gid libvirt-qemu --groups kvm libvirt-qemu
fi
mkdir -p /var/log/libvirt /var/lib/libvirt/qemu /var/cache/libvirt/qemu /run/libvirt \
    /var/lib/libvirt/images /etc/libvirt
if [ ! -e /etc/libvirt/qemu.conf ]; then
    cat >/etc/libvirt/qemu.conf <<'EOF'
# Written by guestdb tools/libvirtd-start.sh (see DESIGN.md section 5).
user = "root"
group = "root"
EOF
fi

if ! pgrep -x virtlogd >/dev/null; then
    virtlogd -d || die "virtlogd did not start"
fi
if ! pgrep -x libvirtd >/dev/null; then
    LIBVIRT_LOG_OUTPUTS="3:file:$LOG" libvirtd -d || die "libvirtd did not start"
fi

for _ in $(seq 1 300); do
    answers && exit 0
    sleep 0.1
done
echo "libvirtd-start.sh: error: libvirtd does not answer on $SOCK after 30 s; end of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 1
