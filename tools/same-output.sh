#!/usr/bin/env bash
# Shows that two guestdb binaries answer alike: runs both over the same
# commands and compares standard output, standard error and exit status of
# each, byte for byte. Used to prove that a change of structure changes no
# behaviour (issue 15), and to review what a change of behaviour changes.
#
# Usage: tools/same-output.sh OLD_BINARY [NEW_BINARY] [--verify]
#   NEW_BINARY defaults to target/release/guestdb (build it first).
#   --verify also runs `guestdb verify` for a few OSes (needs QEMU 7.2, see
#   tools/test-setup.sh; about a minute).
#
# What runs: `show` (text, --json, --explain, --json --explain) for every OS;
# `recommend` in every format and with --explain for the OSes the verify
# tests use on x86_64 and a set on aarch64 and s390x, with migration and
# domcaps hosts; `list`, `machines`; `detect --json` of every isoinfo dump
# and .treeinfo of ../shared. Prints the commands whose results differ and
# exits 1 when any does, 0 when all agree.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: tools/same-output.sh OLD_BINARY [NEW_BINARY] [--verify]" >&2
    exit 2
}

OLD="" NEW="target/release/guestdb" VERIFY=0
for a in "$@"; do
    case "$a" in
    --verify) VERIFY=1 ;;
    -h | --help) usage ;;
    *) if [ -z "$OLD" ]; then OLD="$a"; else NEW="$a"; fi ;;
    esac
done
[ -n "$OLD" ] || usage
for b in "$OLD" "$NEW"; do
    [ -x "$b" ] || { echo "same-output.sh: $b is not an executable guestdb" >&2; exit 2; }
done
SHARED="${GUESTDB_SHARED:-../shared}"
[ -d "$SHARED/isodata" ] || { echo "same-output.sh: $SHARED/isodata is missing (set GUESTDB_SHARED)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CMDS="$WORK/commands"
: >"$CMDS"

# One command per line, arguments separated by a tab (paths may hold spaces).
add() {
    local IFS=$'\t'
    printf '%s\n' "$*" >>"$CMDS"
}

# show, for every OS.
"$OLD" list --fields id >"$WORK/ids" || true
tail -n +2 "$WORK/ids" | while read -r id; do
    add show "$id"
    add show "$id" --json
    add show "$id" --explain
    add show "$id" --json --explain
done

# recommend: the verify tests' OSes (x86_64), in every format.
X86=(
    "rhel5.11" "rhel6.10" "rhel6.10 --chipset i440fx" "centos6.10" "rhel7.0" "centos7.0"
    "rhel7.9" "rhel8.10" "rhel9.6 --models explicit" "rhel10.0" "fedora20" "fedora43"
    "debian8" "debian11" "debian13" "ubuntu14.04" "ubuntu18.04" "ubuntu22.04"
    "ubuntu24.04 --firmware efi" "opensuse15.6" "opensusetumbleweed" "sles12sp5" "sles16.0"
    "alpinelinux3.20" "archlinux" "almalinux9" "rocky9" "ol8.10" "centos-stream9" "mageia9"
    "slackware15.0" "winxp" "win7" "win8.1" "win10 --drivers virtio-win" "win11"
    "win11 --drivers virtio-win" "win2k8r2" "win2k12r2" "win2k16"
    "win2k19 --drivers virtio-win" "win2k22" "win2k25 --secure-boot" "freebsd13.0"
    "freebsd14.0" "openbsd7.5" "netbsd10.0" "dragonflybsd5.6" "solaris11" "msdos6.22"
    "freedos1.3" "rhel10.9" "linux5.15" "windows"
)
for spec in "${X86[@]}"; do
    read -r -a words <<<"$spec"
    for fmt in text json libvirt qemu virt-install; do
        add recommend "${words[@]}" --host debian-12 --format "$fmt"
    done
    add recommend "${words[@]}" --host debian-12 --explain
    add recommend "${words[@]}" --host debian-12 --json --explain
done
for os in rhel9.6 fedora43 ubuntu24.04 debian13 sles16.0 opensuse15.6 rhel8.10 centos-stream9 almalinux9 win11; do
    for fmt in text json libvirt qemu virt-install; do
        add recommend "$os" --arch aarch64 --host fedora-45 --format "$fmt"
    done
    add recommend "$os" --arch aarch64 --host fedora-45 --json --explain
done
for os in rhel6.10 rhel7.9 rhel9.4 sles15sp5 ubuntu22.04 fedora43 debian12; do
    for fmt in text json libvirt qemu; do
        add recommend "$os" --arch s390x --host debian-12 --format "$fmt"
    done
    add recommend "$os" --arch s390x --host debian-12 --json --explain
done
for os in rhel9.6 rhel6.10 win2k22; do
    add recommend "$os" --host rhel-9.6 --migrate-to rhel-9.4 --explain
    add recommend "$os" --host rhel-9.6 --migrate-to ubuntu-22.04
    add recommend "$os" --host ubuntu-24.04 --migrate-to debian-12 --format libvirt
done
for caps in "$SHARED"/libvirt-domcaps/*.xml; do
    add recommend rhel9.6 --domcaps "$caps" --json --explain
    add recommend win11 --domcaps "$caps" --format libvirt
done
add recommend rhel6.1o
add recommend nonsense-os --json

# list and machines.
add list
add list --json
add list --distro rhel --virtio legacy-only --chipset q35 --fields short-id,virtio-net,virtio-block,chipsets
add list --family winnt --fields short-id,virtio-net,virtio-block,eol-date
add list --supported-on 2026-12-07 --fields short-id,eol-date
add machines --hosts
add machines --hosts --json
for h in debian-12 rhel-9.6 ubuntu-24.04 fedora-45; do
    add machines --host "$h"
    add machines --host "$h" --json
done

# detect: every isoinfo dump and .treeinfo of the corpora.
find "$SHARED/isodata" -name '*.txt' | sort | while read -r f; do add detect "$f" --json; done
find "$SHARED/treeinfodata" -name '.treeinfo' | sort | while read -r f; do add detect "$f" --json; done

if [ "$VERIFY" -eq 1 ]; then
    for os in rhel6.10 win11 fedora43; do add verify "$os" --host debian-12; done
    add verify rhel9.4 --arch s390x --host debian-12
fi

# run BINARY OUTDIR: every command, in two parallel streams; each result in
# OUTDIR/N (stdout, then stderr and the exit status). Both binaries see the
# same environment; GUESTDB_STORE/GUESTDB_DATA are unset so both use their
# embedded data.
run() {
    local bin="$1" out="$2"
    mkdir -p "$out"
    nl -ba -w1 -s$'\t' "$CMDS" | xargs -d '\n' -P 2 -n 1 bash -c '
        bin="$1"; out="$2"; line="$3"
        n="${line%%$'\''\t'\''*}"; rest="${line#*$'\''\t'\''}"
        IFS=$'\''\t'\'' read -r -a args <<<"$rest"
        { env -u GUESTDB_STORE -u GUESTDB_DATA "$bin" "${args[@]}" 2>"$out/$n.err"; echo "exit $?" >>"$out/$n.err"; } >"$out/$n.out"
    ' _ "$bin" "$out" 2>/dev/null || true
}

TOTAL=$(wc -l <"$CMDS")
echo "same-output.sh: $TOTAL commands; running $OLD ..." >&2
run "$OLD" "$WORK/old"
echo "same-output.sh: running $NEW ..." >&2
run "$NEW" "$WORK/new"

differ=0
n=0
while IFS= read -r line; do
    n=$((n + 1))
    for k in out err; do
        if ! cmp -s "$WORK/old/$n.$k" "$WORK/new/$n.$k"; then
            differ=$((differ + 1))
            echo "DIFFERS ($k): guestdb ${line//$'\t'/ }"
            { diff -u "$WORK/old/$n.$k" "$WORK/new/$n.$k" || true; } | head -n 20 | sed 's/^/    /' || true
            break
        fi
    done
done <"$CMDS"
if [ "$differ" -eq 0 ]; then
    echo "same-output.sh: all $TOTAL commands give the same output, errors and exit status"
    exit 0
fi
echo "same-output.sh: $differ of $TOTAL commands differ"
exit 1
