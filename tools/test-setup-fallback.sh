#!/usr/bin/env bash
# Checks tools/test-setup.sh's fallback on a machine set up as issue 17
# describes: the x86 QEMU on PATH comes from elsewhere (a wrapper the script
# did not write, to another prefix), there is no qemu-system-s390x and no
# private prefix, and apt refuses qemu-system-misc next to qemu-utils 10.x.
# Everything happens in a private mount namespace: /opt and /usr/local/bin
# are empty tmpfs there, the machine's own are untouched (packages apt
# installs for missing libraries are real, as test-setup.sh's always are).
# Needs root, unshare(1), an x86 QEMU 7.2 in /opt/guestdb-qemu (the private
# install) to play the "other prefix", and the Debian mirror.
#
# Exit 0 when test-setup.sh ends with a working qemu-system-s390x 7.2.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "test-setup-fallback.sh: needs root" >&2; exit 2; }
[ -x /opt/guestdb-qemu/usr/bin/qemu-system-x86_64 ] \
    || { echo "test-setup-fallback.sh: needs the private x86 QEMU in /opt/guestdb-qemu (run tools/test-setup.sh)" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
other=$(mktemp -d)
trap 'rmdir "$other" 2>/dev/null || true' EXIT
unshare -m --propagation private bash -euo pipefail -c '
    other=$1; here=$2
    mount --bind /opt/guestdb-qemu "$other"
    mount -t tmpfs tmpfs /opt
    mount -t tmpfs tmpfs /usr/local/bin
    printf "#!/bin/sh\nexec %s/usr/bin/qemu-system-x86_64 \"\$@\"\n" "$other" >/usr/local/bin/qemu-system-x86_64
    chmod 0755 /usr/local/bin/qemu-system-x86_64
    if apt-get install -s -q --no-install-recommends qemu-system-misc >/dev/null 2>&1; then
        echo "test-setup-fallback.sh: apt would install qemu-system-misc here; the case does not arise" >&2
        exit 2
    fi
    "$here/tools/test-setup.sh"
    version=$(qemu-system-s390x --version | head -n 1)
    case $version in
        *"version 7.2"*) echo "ok: $version" ;;
        *) echo "test-setup-fallback.sh: got $version, not QEMU 7.2" >&2; exit 1 ;;
    esac
' fallback "$other" "$here"
