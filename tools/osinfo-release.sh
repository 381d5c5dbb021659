#!/usr/bin/env bash
# Writes data/osinfo-db/VERSION.xml: the ids of every OS the installed
# osinfo-db package knows (what virt-install on a host with that package
# accepts as --osinfo), read with the real osinfo-query. A host profile
# names the release with <osinfo-db version="VERSION"/>, so that the
# recommendation knows whether that host's virt-install knows an OS.
#
# Usage: tools/osinfo-release.sh [DATA_DIR]   (default: data)
# Needs osinfo-query (Debian package libosinfo-bin) and the osinfo-db
# package whose list is wanted. The file says which command made it; a
# test compares it with osinfo-query when the same package is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data}
command -v osinfo-query >/dev/null || { echo "osinfo-release.sh: osinfo-query not found (package libosinfo-bin); run tools/test-setup.sh" >&2; exit 2; }
VERSION=$(dpkg-query -W -f='${Version}' osinfo-db) || { echo "osinfo-release.sh: the osinfo-db package is not installed" >&2; exit 2; }
UPSTREAM=${VERSION#*:}
UPSTREAM=${UPSTREAM%-*}
mkdir -p "$DATA/osinfo-db"
OUT="$DATA/osinfo-db/$UPSTREAM.xml"
TMP=$(mktemp "$OUT.XXXXXX")
trap 'rm -f "$TMP"' EXIT
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<!-- Made by tools/osinfo-release.sh from Debian's osinfo-db $VERSION (osinfo-query os); do not edit by hand. -->"
    echo "<osinfo-release version=\"$UPSTREAM\" source=\"debian\" note=\"the OSes osinfo-db $UPSTREAM knows, as osinfo-query lists them from Debian's package osinfo-db $VERSION\">"
    osinfo-query os --fields=id | tail -n +3 | awk 'NF {print $1}' | LC_ALL=C sort -u | sed 's|.*|  <os id="&"/>|'
    echo '</osinfo-release>'
} >"$TMP"
mv "$TMP" "$OUT"
trap - EXIT
echo "osinfo-release.sh: wrote $OUT ($(grep -c '<os ' "$OUT") OSes)"
