#!/usr/bin/env bash
# Install the real components guestdb's tests use (DESIGN.md section 5).
#
# Idempotent: installs only what is missing and prints nothing when all is
# present. Exports nothing. Starts libvirtd (tools/libvirtd-start.sh) when it
# is not running. Afterwards `qemu-system-x86_64`, `qemu-system-s390x`,
# `qemu-system-aarch64`, `qemu-system-ppc64` and `qemu-system-riscv64`
# (QEMU 7.2) are on PATH; for x86: either Debian's qemu-system-x86 installed system-wide, or, when that
# package cannot be installed next to the image's backported qemu-utils 10.x
# (qemu-utils 10 "Breaks: qemu-system-common (<< 8.0)", so apt would remove
# qemu-img), the same Debian packages unpacked into $QEMU_PREFIX with a
# wrapper at /usr/local/bin/qemu-system-x86_64. qemu-img is never touched.
set -euo pipefail

QEMU_PREFIX=/opt/guestdb-qemu
QEMU_WRAPPER=/usr/local/bin/qemu-system-x86_64

PACKAGES=(
    libosinfo-bin osinfo-db osinfo-db-tools
    xorriso libxml2-utils libvirt-clients
    gir1.2-libosinfo-1.0 python3-gi hyperfine time
    libvirt-daemon libvirt-daemon-driver-qemu virtinst
    ovmf swtpm swtpm-tools
    # tests/it/lifecycle.rs compares Debian's and Ubuntu's phases with its CSVs
    distro-info-data
    # tests/it/ecosystems.rs validates KubeVirt objects with KubeVirt's schema
    # (jsonschema); tools/python-test.sh: the Python package is installed into
    # a venv of Debian's Python (pip fetches maturin from PyPI) and tested with
    # pytest; the JSON schemas of schema/json are checked with jsonschema
    python3-venv python3-pip python3-pytest python3-jsonschema
)

die() {
    echo "test-setup.sh: error: $*" >&2
    exit 1
}

export DEBIAN_FRONTEND=noninteractive

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

apt_updated=0
apt_update_once() {
    [ "$(id -u)" -eq 0 ] || die "some test dependencies are missing and installing them needs root: run 'sudo tools/test-setup.sh'"
    if [ "$apt_updated" -eq 0 ]; then
        apt-get update -q || die "apt-get update failed"
        apt_updated=1
    fi
}

# apt_install PKG...: install those of PKG that are missing. Never removes a
# package (--no-remove makes apt abort instead).
apt_install() {
    local missing=() p
    for p in "$@"; do
        installed "$p" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    apt_update_once
    apt-get install -y -q --no-install-recommends --no-remove "${missing[@]}" \
        || die "could not install: ${missing[*]}"
}

apt_install "${PACKAGES[@]}"

# ---------------------------------------------------------------- QEMU

# Smoke test: BINARY runs and can build MACHINE (loads its modules and
# firmware), then quits at once. smoke_error says what it printed instead.
smoke() {
    printf 'quit\n' | timeout 60 "$1" -machine "$2" -accel tcg -nodefaults \
        -display none -S -monitor stdio -serial none >/dev/null 2>&1
}

smoke_error() {
    printf 'quit\n' | timeout 60 "$1" -machine "$2" -accel tcg -nodefaults -display none -S \
        -monitor stdio -serial none 2>&1 >/dev/null | head -n 3
}

start_libvirtd() {
    "$(dirname "$0")/libvirtd-start.sh" || die "libvirtd did not start (see above)"
}

# download PKG...: fetch Debian packages into a fresh directory $DL (apt
# downloads as _apt), removed on exit or by download_done.
download() {
    apt_update_once
    DL=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$DL'" EXIT
    chmod 0755 "$DL"
    if id _apt >/dev/null 2>&1; then chown _apt "$DL"; fi
    (cd "$DL" && apt-get download -q "$@") || die "apt-get download $* failed"
}

download_done() {
    rm -rf "$DL"
    trap - EXIT
}

# library_depends DEB...: the Depends of the packages, first alternative of
# each, minus the qemu-system-* packages (unpacked or installed apart).
library_depends() {
    local deb
    for deb in "$@"; do dpkg-deb -f "$deb" Depends; done \
        | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' \
        | grep -v -e '^$' -e '^qemu-system-common$' -e '^qemu-system-data$' | sort -u
}

# write_wrapper WRAPPER BINARY WHAT: a script on PATH that runs BINARY.
write_wrapper() {
    mkdir -p "$(dirname "$1")"
    cat >"$1" <<EOF
#!/bin/sh
# Written by guestdb tools/test-setup.sh: $3
exec $2 "\$@"
EOF
    chmod 0755 "$1"
}

# try_system_package PKG: install PKG system-wide, but only if apt need not
# remove anything for it (it would remove the backported qemu-utils) and does
# not refuse it; otherwise return 1 (the caller falls back to the private
# prefix).
try_system_package() {
    apt_update_once
    apt-get install -s -q --no-install-recommends "$1" >/dev/null 2>&1 || return 1
    if apt-get install -s -q --no-install-recommends "$1" 2>/dev/null | grep -q '^Remv '; then
        return 1
    fi
    apt-get install -y -q --no-install-recommends --no-remove "$1" || return 1
}

# First choice: the ordinary system-wide install.
try_system_qemu() {
    try_system_package qemu-system-x86 || return 1
    # A wrapper left by an earlier private-prefix install would shadow it.
    if grep -qs 'guestdb tools/test-setup.sh' "$QEMU_WRAPPER"; then
        rm -f "$QEMU_WRAPPER"
        hash -r
    fi
}

# Fallback: unpack Debian's qemu-system-x86 and qemu-system-common into a
# private prefix. QEMU finds its modules and firmware relative to its own
# binary (it is built relocatable), so the prefix gets symlinks to the
# system's firmware packages (installed normally with apt; they do not
# conflict with qemu-utils 10).
unpack_private_prefix() {
    local deb
    download qemu-system-x86 qemu-system-common
    # shellcheck disable=SC2046
    apt_install $(library_depends "$DL"/*.deb) qemu-system-data seabios ipxe-qemu

    rm -rf "$QEMU_PREFIX.new"
    mkdir -p "$QEMU_PREFIX.new"
    for deb in "$DL"/*.deb; do
        dpkg-deb -x "$deb" "$QEMU_PREFIX.new" || die "dpkg-deb -x $deb failed"
    done
    # Firmware search path (Debian's --firmwarepath, relocated into the
    # prefix): /usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
    rm -rf "$QEMU_PREFIX.new/usr/share/qemu" "$QEMU_PREFIX.new/usr/share/seabios" \
        "$QEMU_PREFIX.new/usr/lib/ipxe"
    ln -s /usr/share/qemu "$QEMU_PREFIX.new/usr/share/qemu"
    ln -s /usr/share/seabios "$QEMU_PREFIX.new/usr/share/seabios"
    ln -s /usr/lib/ipxe "$QEMU_PREFIX.new/usr/lib/ipxe"
    rm -rf "$QEMU_PREFIX"
    mv "$QEMU_PREFIX.new" "$QEMU_PREFIX"
    download_done
}

install_private_qemu() {
    unpack_private_prefix
    write_wrapper "$QEMU_WRAPPER" "$QEMU_PREFIX/usr/bin/qemu-system-x86_64" \
        "Debian's qemu-system-x86 unpacked into $QEMU_PREFIX (it cannot be installed next to qemu-utils 10.x)."
}

# Already usable (system-wide package or our wrapper)? Then nothing to do.
if ! { command -v qemu-system-x86_64 >/dev/null 2>&1 && smoke qemu-system-x86_64 q35; }; then
    if ! try_system_qemu; then
        install_private_qemu
    fi
    smoke qemu-system-x86_64 q35 \
        || die "qemu-system-x86_64 was installed but cannot start a q35 machine: $(smoke_error qemu-system-x86_64 q35)"
fi

# ---------------------------------------------------------- QEMU for s390x

# The s390x checks (tests/it/qemu.rs, tests/it/verify.rs) run
# qemu-system-s390x 7.2, which Debian 12 ships in qemu-system-misc. It is
# installed normally where apt can do that without removing anything;
# otherwise (next to qemu-utils 10.x, whatever x86 QEMU is on PATH: this
# script's private prefix, a wrapper or another prefix) only its binary is
# unpacked into the private prefix, which gets qemu-system-common's modules
# first if it does not exist yet (without a wrapper for x86: the x86 QEMU on
# PATH stays the one used).
S390X_WRAPPER=/usr/local/bin/qemu-system-s390x

install_private_s390x() {
    [ -x "$QEMU_PREFIX/usr/bin/qemu-system-x86_64" ] || unpack_private_prefix
    download qemu-system-misc
    # shellcheck disable=SC2046
    apt_install $(library_depends "$DL"/qemu-system-misc_*.deb)
    dpkg-deb --fsys-tarfile "$DL"/qemu-system-misc_*.deb \
        | tar -x -C "$QEMU_PREFIX" ./usr/bin/qemu-system-s390x \
        || die "cannot unpack qemu-system-s390x from qemu-system-misc"
    write_wrapper "$S390X_WRAPPER" "$QEMU_PREFIX/usr/bin/qemu-system-s390x" \
        "qemu-system-s390x from Debian's qemu-system-misc, unpacked into $QEMU_PREFIX."
    download_done
}

if ! { command -v qemu-system-s390x >/dev/null 2>&1 && smoke qemu-system-s390x s390-ccw-virtio; }; then
    if [ -x "$QEMU_PREFIX/usr/bin/qemu-system-x86_64" ]; then
        install_private_s390x
    elif ! try_system_package qemu-system-misc; then
        echo "test-setup.sh: apt cannot install qemu-system-misc here without removing packages; unpacking qemu-system-s390x into $QEMU_PREFIX instead" >&2
        install_private_s390x
    fi
    smoke qemu-system-s390x s390-ccw-virtio \
        || die "qemu-system-s390x was installed but cannot start an s390-ccw-virtio machine: $(smoke_error qemu-system-s390x s390-ccw-virtio)"
fi

# ------------------------------------ QEMU for aarch64, ppc64le and riscv64

# tests/it/verify.rs starts aarch64, ppc64le and riscv64 guests on Debian
# 12's QEMU 7.2: qemu-system-aarch64 (package qemu-system-arm) with AAVMF
# (qemu-efi-aarch64), qemu-system-ppc64 (qemu-system-ppc; SLOF is in
# qemu-system-data) and qemu-system-riscv64 (qemu-system-misc) with OpenSBI
# (in qemu-system-data, and the opensbi package) and U-Boot (u-boot-qemu,
# its S-mode build is the payload OpenSBI starts). The firmware packages do
# not depend on QEMU and are installed normally. The emulators follow the
# s390x pattern: unpacked into the private prefix when that is in use, else
# installed normally.
apt_install qemu-efi-aarch64 opensbi u-boot-qemu

# install_private_emulators PACKAGE BINARY...: unpack BINARY (a
# qemu-system-* program) from PACKAGE into the prefix, with a wrapper each.
install_private_emulators() {
    local package=$1 binary
    shift
    download "$package"
    # shellcheck disable=SC2046
    apt_install $(library_depends "$DL"/"$package"_*.deb)
    for binary in "$@"; do
        dpkg-deb --fsys-tarfile "$DL"/"$package"_*.deb \
            | tar -x -C "$QEMU_PREFIX" "./usr/bin/$binary" \
            || die "cannot unpack $binary from $package"
        write_wrapper "/usr/local/bin/$binary" "$QEMU_PREFIX/usr/bin/$binary" \
            "$binary from Debian's $package, unpacked into $QEMU_PREFIX beside qemu-system-x86_64."
    done
    download_done
}

# need_emulator PACKAGE BINARY MACHINE: make BINARY (from PACKAGE) runnable
# and able to build MACHINE.
need_emulator() {
    if ! { command -v "$2" >/dev/null 2>&1 && smoke "$2" "$3"; }; then
        if [ -x "$QEMU_PREFIX/usr/bin/qemu-system-x86_64" ]; then
            install_private_emulators "$1" "$2"
        else
            apt_install "$1"
        fi
        smoke "$2" "$3" \
            || die "$2 was installed but cannot start a $3 machine: $(smoke_error "$2" "$3")"
    fi
}

need_emulator qemu-system-arm qemu-system-aarch64 virt
need_emulator qemu-system-ppc qemu-system-ppc64 pseries
need_emulator qemu-system-misc qemu-system-riscv64 virt

# ------------------------------------------------- consumers' code (Python)

# Nova's own code (nova/virt/osinfo.py, nova/objects/fields.py,
# nova/network/model.py and its tests), which tests/python/test_nova.py
# reads: Debian's python3-nova unpacked (not installed: it would pull in
# some 200 OpenStack packages) into $NOVA_PREFIX.
NOVA_PREFIX=/opt/guestdb-consumers/python3-nova
if [ ! -f "$NOVA_PREFIX/usr/lib/python3/dist-packages/nova/virt/osinfo.py" ]; then
    download python3-nova
    rm -rf "$NOVA_PREFIX"
    mkdir -p "$NOVA_PREFIX"
    dpkg-deb -x "$DL"/python3-nova_*.deb "$NOVA_PREFIX" || die "could not unpack python3-nova"
    dpkg-deb -f "$DL"/python3-nova_*.deb Version >"$NOVA_PREFIX/VERSION"
    download_done
fi

# cockpit-machines' getOSList.py, which tests/python/test_cockpit.py runs:
# Debian's cockpit-machines unpacked (the script is bundled, as a string,
# in its index.js.gz) into $COCKPIT_PREFIX.
COCKPIT_PREFIX=/opt/guestdb-consumers/cockpit-machines
if [ ! -f "$COCKPIT_PREFIX/usr/share/cockpit/machines/index.js.gz" ]; then
    download cockpit-machines
    rm -rf "$COCKPIT_PREFIX"
    mkdir -p "$COCKPIT_PREFIX"
    dpkg-deb -x "$DL"/cockpit-machines_*.deb "$COCKPIT_PREFIX" || die "could not unpack cockpit-machines"
    dpkg-deb -f "$DL"/cockpit-machines_*.deb Version >"$COCKPIT_PREFIX/VERSION"
    download_done
fi

start_libvirtd
