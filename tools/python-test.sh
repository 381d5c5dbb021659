#!/usr/bin/env bash
# Builds the Python package (crates/guestdb-py) the way a user installs it,
# `pip install ./crates/guestdb-py` (maturin from PyPI, through pip's build
# isolation), into a fresh virtual environment of Debian's Python 3 (with
# the system's site packages: pytest, jsonschema, the libosinfo GObject
# bindings and virtinst that tools/test-setup.sh installs), and runs the
# pytest tests of tests/python against it and against the guestdb command
# line (built here with cargo).
#
# Usage: tools/python-test.sh [pytest arguments, e.g. -k recommend]
# Run by tools/test.sh after the cargo tests. Fails, saying what is missing,
# when Python, venv, pytest or jsonschema is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
    echo "python-test.sh: error: $*" >&2
    exit 1
}

PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || die "$PYTHON not found (Debian package python3); run tools/test-setup.sh"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
    || die "$PYTHON has no venv/ensurepip (Debian package python3-venv); run tools/test-setup.sh"
for module in pytest jsonschema; do
    "$PYTHON" -c "import $module" 2>/dev/null \
        || die "$PYTHON cannot import $module (Debian package python3-$module); run tools/test-setup.sh"
done

cargo build --locked --bin guestdb
GUESTDB_BIN="$PWD/target/debug/guestdb"
export GUESTDB_BIN

VENV=$(mktemp -d)
trap 'rm -rf "$VENV"' EXIT
"$PYTHON" -m venv --system-site-packages "$VENV"
# The wheel is built in target/ (the workspace's), so a rebuild is incremental.
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir ./crates/guestdb-py \
    || die "pip install ./crates/guestdb-py failed (see above)"
# The wheel tools/python-wheel.sh builds (the same build, so no rebuild)
# is for the stable ABI (cp39-abi3) and installs as well.
WHEEL=$(tools/python-wheel.sh "$VENV/bin/python")
case "$WHEEL" in
*-cp39-abi3-*.whl) ;;
*) die "tools/python-wheel.sh built '$WHEEL', not a cp39-abi3 wheel" ;;
esac
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEEL" \
    || die "the wheel $WHEEL does not install"
cd tests/python
exec "$VENV/bin/python" -m pytest -p no:cacheprovider -q "$@"
