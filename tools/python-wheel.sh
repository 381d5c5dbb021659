#!/usr/bin/env bash
# Builds the Python package's wheel (crates/guestdb-py: PyO3 + maturin, the
# stable ABI of Python 3.9 and later, so one wheel serves every CPython
# from 3.9 on this platform) into target/wheels, with pip and maturin from
# PyPI, and prints its path. Install it with `pip install WHEEL`.
#
# Usage: tools/python-wheel.sh [PYTHON]   (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3}
OUT=target/wheels
mkdir -p "$OUT"
"$PYTHON" -m pip wheel --quiet --no-deps --no-cache-dir --wheel-dir "$OUT" ./crates/guestdb-py >&2
ls -t "$OUT"/guestdb-*-cp39-abi3-*.whl | head -n 1
