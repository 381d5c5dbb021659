#!/usr/bin/env bash
# Records what virt-install from virt-manager's main branch sets for the OSes
# tests/it/profile.rs compares guestdb's recommendation with:
# tests/it/virt-install-main/SHORTID.xml (virt-install --dry-run
# --print-xml 1, the install-time domain, for a TCG domain on this machine's
# libvirtd) and COMMIT (the virt-manager commit that made them).
#
# The tests cannot fetch virt-manager, so its output is kept; Debian's own
# virt-install (4.1) is run live by the test. virt-manager main runs with
# Debian's python3 (/usr/bin/python3, with python3-gi) and libosinfo, and OSINFO_SYSTEM_DIR pointing at
# guestdb's osinfo-db export (Debian 12's osinfo-db predates half the OSes).
#
# Usage: tools/virt-install-main.sh VIRT_MANAGER   (a checkout or a bare git
# directory of github.com/virt-manager/virt-manager)
# Needs libvirtd on qemu:///system (tools/libvirtd-start.sh) and
# tools/test-setup.sh's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?usage: tools/virt-install-main.sh VIRT_MANAGER_CHECKOUT_OR_GIT_DIR}
OSES="winxp win7 win10 win11 win2k16 win2k22 win2k25 rhel6.10 rhel9.6 fedora43 ubuntu24.04 freebsd14.3"
OUT=tests/it/virt-install-main
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -d "$SRC/.git" ]; then GIT=(git -C "$SRC"); else GIT=(git --git-dir "$SRC"); fi
COMMIT=$("${GIT[@]}" rev-parse HEAD)
"${GIT[@]}" archive "$COMMIT" | tar -x -C "$WORK"
cargo build -q --release
target/release/guestdb export-osinfo "$WORK/osinfo" >/dev/null
mkdir -p "$OUT"
for os in $OSES; do
    OSINFO_SYSTEM_DIR="$WORK/osinfo" /usr/bin/python3 "$WORK/virt-install" \
        --connect qemu:///system --dry-run --print-xml 1 --name t \
        --osinfo "$os" --memory 2048 --disk none --import --virt-type qemu \
        >"$WORK/$os.xml"
    mv "$WORK/$os.xml" "$OUT/$os.xml"
done
{
    echo "$COMMIT"
    echo "# virt-install of github.com/virt-manager/virt-manager at this commit, run by tools/virt-install-main.sh"
    echo "# on $(. /etc/os-release; echo "$PRETTY_NAME"), libvirt $(virsh -c qemu:///system version --daemon | awk '/daemon/ {print $NF}'), $(qemu-system-x86_64 --version | head -1)"
} >"$WORK/COMMIT"
mv "$WORK/COMMIT" "$OUT/COMMIT"
echo "virt-install-main.sh: wrote $(echo $OSES | wc -w) files to $OUT from virt-manager $COMMIT"
