#!/usr/bin/env bash
# Whole-process benchmarks, guestdb side by side with osinfo-query (DESIGN.md §6).
#
# Usage: tools/bench.sh            (from anywhere; works in the repository root)
#
# Builds the release binary, then runs hyperfine seven times:
#   1. guestdb show rhel6.10        vs  osinfo-query os short-id=rhel6.10
#   2. guestdb list --distro rhel   vs  osinfo-query os distro=rhel
#   3. guestdb recommend rhel6.10 --host debian-12
#                                   vs  virt-install --dry-run --print-xml against
#                                       the test set-up's libvirtd (qemu:///system)
#   4. guestdb recommend win11 --host debian-12 --format libvirt (the whole
#      profile: Hyper-V, clock, CPU, SPICE)
#                                   vs  virt-install --dry-run --print-xml --osinfo win11
#   5. guestdb detect fedora36.iso   vs  osinfo-detect fedora36.iso (a real, bootable
#                                       ISO built here with xorriso: volume id
#                                       Fedora-S-dvd-x86_64-36, system id LINUX)
#   6. guestdb validate data
#   7. guestdb check of one domain XML (docs/examples/centos7.0-q35.xml, as
#      virsh dumpxml shows what Debian 12's virt-install defines)
#   8. guestdb check --fleet of 1,000 domain XMLs (guestdb's own libvirt
#      output for 50 OSes, 20 VMs each, half of them with plain virtio)
#   9. guestdb recommend win11 --host debian-12 --format kubevirt|openstack|proxmox
#      (the other ecosystems' formats) and guestdb show vmware:rhel9_64Guest
#      (a crosswalk name); no peer
# and measures the peak RSS of every command with /usr/bin/time -f %M.
# Results go to target/bench/ (hyperfine Markdown + JSON per run, summary.md);
# the summary table is also printed on stdout. Nothing here asserts a time.
#
# Environment: RUNS (default 30), WARMUP (default 5).
set -euo pipefail

die() {
    echo "bench.sh: error: $*" >&2
    exit 1
}

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/bench
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-5}
GUESTDB=$ROOT/target/release/guestdb
TIME=/usr/bin/time

command -v hyperfine >/dev/null || die "hyperfine not found; run tools/test-setup.sh"
command -v osinfo-query >/dev/null || die "osinfo-query not found (package libosinfo-bin); run tools/test-setup.sh"
command -v python3 >/dev/null || die "python3 not found"
command -v virt-install >/dev/null || die "virt-install not found (package virtinst); run tools/test-setup.sh"
tools/libvirtd-start.sh || die "libvirtd is needed for the virt-install comparison"
[ -x "$TIME" ] || die "$TIME not found (Debian package 'time'); install it, e.g. run tools/test-setup.sh or apt-get install time"
"$TIME" -f %M true >/dev/null 2>&1 || die "$TIME does not support -f %M (need GNU time, Debian package 'time')"

# hyperfine >= 1.13 runs commands without a shell with -N; older ones cannot.
if hyperfine -N --runs 2 --style none true >/dev/null 2>&1; then
    NOSHELL=(-N)
else
    NOSHELL=()
fi

echo "==> cargo build --release" >&2
cargo build --release --quiet
[ -x "$GUESTDB" ] || die "$GUESTDB was not built"

mkdir -p "$OUT"

# Sanity: every command must succeed before it is timed.
check() {
    "$@" >/dev/null 2>&1 || die "command failed: $*"
}
check "$GUESTDB" show rhel6.10
check osinfo-query os short-id=rhel6.10
check "$GUESTDB" list --distro rhel
check osinfo-query os distro=rhel
check "$GUESTDB" validate data
check "$GUESTDB" recommend rhel6.10 --host debian-12
VIRT_INSTALL=(virt-install --connect qemu:///system --dry-run --print-xml --osinfo rhel6.10
    --name bench-rhel6.10 --memory 1024 --vcpus 1 --disk none --network none --graphics none
    --noautoconsole)
check "${VIRT_INSTALL[@]}"
check "$GUESTDB" recommend win11 --host debian-12 --format libvirt
for f in kubevirt openstack proxmox; do
    check "$GUESTDB" recommend win11 --host debian-12 --format "$f"
done
check "$GUESTDB" show vmware:rhel9_64Guest
VIRT_INSTALL_WIN11=(virt-install --connect qemu:///system --dry-run --print-xml --osinfo win11
    --name bench-win11 --memory 4096 --vcpus 2 --disk none --import --noautoconsole)
check "${VIRT_INSTALL_WIN11[@]}"
command -v xorriso >/dev/null || die "xorriso not found; run tools/test-setup.sh"
command -v osinfo-detect >/dev/null || die "osinfo-detect not found (package libosinfo-bin); run tools/test-setup.sh"
ISO_DIR=$OUT/iso
rm -rf "$ISO_DIR" && mkdir -p "$ISO_DIR/tree"
head -c 2048 /dev/zero >"$ISO_DIR/tree/boot.img"
xorriso -as mkisofs -quiet -o "$ISO_DIR/fedora36.iso" -V Fedora-S-dvd-x86_64-36 -sysid LINUX \
    -b boot.img -no-emul-boot -boot-load-size 4 "$ISO_DIR/tree" >/dev/null 2>&1 ||
    die "xorriso could not build the benchmark ISO"
ISO=$ISO_DIR/fedora36.iso
check "$GUESTDB" detect "$ISO"
check osinfo-detect "$ISO"

# The fleet: 1,000 domain XMLs. check exits 1 when a domain has an error
# finding, so its runs are timed with -i.
FLEET=$OUT/fleet
rm -rf "$FLEET" && mkdir -p "$FLEET"
FLEET_OSES=(rhel5.11 rhel6.10 centos6.10 rhel7.0 centos7.0 rhel7.9 rhel8.10 rhel9.6 rhel10.0
    fedora20 fedora43 debian8 debian11 debian13 ubuntu14.04 ubuntu18.04 ubuntu22.04 ubuntu24.04
    opensuse15.6 opensusetumbleweed sles12sp5 sles16.0 alpinelinux3.20 archlinux almalinux9
    rocky9 ol8.10 centos-stream9 mageia9 slackware15.0 winxp win7 win8.1 win10 win11 win2k8r2
    win2k12r2 win2k16 win2k19 win2k22 win2k25 freebsd13.0 freebsd14.0 openbsd7.5 netbsd10.0
    dragonflybsd5.6 solaris11 msdos6.22 freedos1.3 haikur1beta4)
for os in "${FLEET_OSES[@]}"; do
    "$GUESTDB" recommend "$os" --host debian-12 --format libvirt --chipset q35 >"$FLEET/base.xml" 2>/dev/null ||
        "$GUESTDB" recommend "$os" --host debian-12 --format libvirt >"$FLEET/base.xml" ||
        die "recommend $os failed"
    for i in $(seq 1 20); do
        if [ $((i % 2)) -eq 0 ]; then
            sed -e "s#<name>[^<]*</name>#<name>$os-$i</name>#" -e 's/virtio-transitional/virtio/g' \
                "$FLEET/base.xml" >"$FLEET/$os-$i.xml"
        else
            sed -e "s#<name>[^<]*</name>#<name>$os-$i</name>#" "$FLEET/base.xml" >"$FLEET/$os-$i.xml"
        fi
    done
done
rm -f "$FLEET/base.xml"
[ "$(find "$FLEET" -name '*.xml' | wc -l)" -eq 1000 ] || die "the fleet does not have 1,000 domains"
check_finds() {
    local status=0
    "$@" >/dev/null 2>&1 || status=$?
    [ "$status" -le 1 ] || die "command failed (exit $status): $*"
}
check_finds "$GUESTDB" check docs/examples/centos7.0-q35.xml
check_finds "$GUESTDB" check --fleet "$FLEET"

run_hyperfine() {
    local name=$1
    shift
    echo "==> hyperfine: $name" >&2
    hyperfine "${NOSHELL[@]}" --warmup "$WARMUP" --runs "$RUNS" --style basic \
        --export-markdown "$OUT/$name.md" --export-json "$OUT/$name.json" \
        "$@" >&2
}

run_hyperfine show \
    -n "guestdb show rhel6.10" "$GUESTDB show rhel6.10" \
    -n "osinfo-query os short-id=rhel6.10" "osinfo-query os short-id=rhel6.10"
run_hyperfine list \
    -n "guestdb list --distro rhel" "$GUESTDB list --distro rhel" \
    -n "osinfo-query os distro=rhel" "osinfo-query os distro=rhel"
run_hyperfine recommend \
    -n "guestdb recommend rhel6.10 --host debian-12" "$GUESTDB recommend rhel6.10 --host debian-12" \
    -n "virt-install --dry-run --print-xml --osinfo rhel6.10 (qemu:///system)" "${VIRT_INSTALL[*]}"
run_hyperfine recommend-win11 \
    -n "guestdb recommend win11 --host debian-12 --format libvirt" "$GUESTDB recommend win11 --host debian-12 --format libvirt" \
    -n "virt-install --dry-run --print-xml --osinfo win11 (qemu:///system)" "${VIRT_INSTALL_WIN11[*]}"
run_hyperfine detect \
    -n "guestdb detect fedora36.iso" "$GUESTDB detect $ISO" \
    -n "osinfo-detect fedora36.iso" "osinfo-detect $ISO"
run_hyperfine validate \
    -n "guestdb validate data" "$GUESTDB validate data"
run_hyperfine check -i \
    -n "guestdb check centos7.0-q35.xml" "$GUESTDB check docs/examples/centos7.0-q35.xml"
run_hyperfine check-fleet -i \
    -n "guestdb check --fleet (1,000 domains)" "$GUESTDB check --fleet $FLEET"
run_hyperfine ecosystems \
    -n "guestdb recommend win11 --host debian-12 --format kubevirt" "$GUESTDB recommend win11 --host debian-12 --format kubevirt" \
    -n "guestdb recommend win11 --host debian-12 --format openstack" "$GUESTDB recommend win11 --host debian-12 --format openstack" \
    -n "guestdb recommend win11 --host debian-12 --format proxmox" "$GUESTDB recommend win11 --host debian-12 --format proxmox" \
    -n "guestdb show vmware:rhel9_64Guest" "$GUESTDB show vmware:rhel9_64Guest"

# Peak RSS in KiB: the largest maximum resident set size of 5 runs.
peak_rss_kib() {
    local max=0 kib i tmp
    tmp=$(mktemp)
    for i in 1 2 3 4 5; do
        local status=0
        "$TIME" -f %M -o "$tmp" "$@" >/dev/null 2>&1 || status=$?
        # ALLOW_EXIT: a status that means an answer, not a failure (check
        # exits 1 when it finds errors).
        if [ "$status" -ne 0 ] && [ "$status" -ne "${ALLOW_EXIT:-0}" ]; then
            rm -f "$tmp"
            die "command failed under $TIME: $*"
        fi
        kib=$(tail -n 1 "$tmp")
        if [ "$kib" -gt "$max" ]; then max=$kib; fi
    done
    rm -f "$tmp"
    echo "$max"
}

echo "==> peak RSS" >&2
RSS_FILE=$OUT/rss.tsv
: >"$RSS_FILE"
rss() {
    local name=$1 kib
    shift
    kib=$(peak_rss_kib "$@")
    printf '%s\t%s\n' "$name" "$kib" >>"$RSS_FILE"
}
rss "guestdb show rhel6.10" "$GUESTDB" show rhel6.10
rss "osinfo-query os short-id=rhel6.10" osinfo-query os short-id=rhel6.10
rss "guestdb list --distro rhel" "$GUESTDB" list --distro rhel
rss "osinfo-query os distro=rhel" osinfo-query os distro=rhel
rss "guestdb recommend rhel6.10 --host debian-12" "$GUESTDB" recommend rhel6.10 --host debian-12
rss "virt-install --dry-run --print-xml --osinfo rhel6.10 (qemu:///system)" "${VIRT_INSTALL[@]}"
rss "guestdb recommend win11 --host debian-12 --format libvirt" "$GUESTDB" recommend win11 --host debian-12 --format libvirt
rss "virt-install --dry-run --print-xml --osinfo win11 (qemu:///system)" "${VIRT_INSTALL_WIN11[@]}"
rss "guestdb detect fedora36.iso" "$GUESTDB" detect "$ISO"
rss "osinfo-detect fedora36.iso" osinfo-detect "$ISO"
rss "guestdb validate data" "$GUESTDB" validate data
ALLOW_EXIT=1 rss "guestdb check centos7.0-q35.xml" "$GUESTDB" check docs/examples/centos7.0-q35.xml
ALLOW_EXIT=1 rss "guestdb check --fleet (1,000 domains)" "$GUESTDB" check --fleet "$FLEET"
for f in kubevirt openstack proxmox; do
    rss "guestdb recommend win11 --host debian-12 --format $f" "$GUESTDB" recommend win11 --host debian-12 --format "$f"
done
rss "guestdb show vmware:rhel9_64Guest" "$GUESTDB" show vmware:rhel9_64Guest

python3 - "$OUT" "$RSS_FILE" <<'EOF' | tee "$OUT/summary.md"
import json, os, statistics, sys

out, rss_file = sys.argv[1], sys.argv[2]
rss = {}
with open(rss_file) as f:
    for line in f:
        name, kib = line.rstrip("\n").split("\t")
        rss[name] = int(kib)

def median_s(r):
    return r["median"] if "median" in r else statistics.median(r["times"])

rows = []
for run in ("show", "list", "recommend", "recommend-win11", "detect", "validate", "check", "check-fleet", "ecosystems"):
    with open(os.path.join(out, run + ".json")) as f:
        results = json.load(f)["results"]
    peer = next((r for r in results if not r["command"].startswith("guestdb")), None)
    for r in results:
        med = median_s(r) * 1e3
        mean = r["mean"] * 1e3
        sd = (r.get("stddev") or 0.0) * 1e3
        if peer is not None and r is not peer:
            speedup = "%.0f×" % (median_s(peer) / median_s(r))
        elif peer is r:
            speedup = "1×"
        else:
            speedup = "–"
        kib = rss.get(r["command"])
        mib = "%.1f" % (kib / 1024) if kib is not None else "?"
        rows.append((r["command"], "%.2f" % med, "%.2f ± %.2f" % (mean, sd), mib, speedup))

print("| command | median (ms) | mean ± σ (ms) | peak RSS (MiB) | speed-up vs the peer (median) |")
print("|---|---:|---:|---:|---:|")
for row in rows:
    print("| `%s` | %s | %s | %s | %s |" % row)
EOF
echo "bench.sh: results in ${OUT#"$ROOT"/}/ (show, list, recommend, recommend-win11, detect, validate, check, check-fleet, ecosystems .md/.json; summary.md)" >&2
