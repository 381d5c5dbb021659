#!/usr/bin/env bash
# Re-imports osinfo-db's data tree into data/ (default source: ../shared/osinfo-db/data).
# Files edited here since the last import are kept; conflicts are reported and
# the import is written beside them as FILE.imported. See data/README.md.
#
# Usage: tools/import-osinfo.sh [OSINFO_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/osinfo-db/data}
exec cargo run --release --locked --quiet -- import-osinfo "$src" --out data
