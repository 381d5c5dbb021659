#!/usr/bin/env bash
# Runs every test of guestdb. First installs the real components the tests
# use (Debian packages: QEMU 7.2, libvirt 9.0 with its QEMU driver,
# virt-install, OVMF, swtpm, libosinfo tools and GObject bindings, xmllint,
# xorriso, virt-xml-validate, hyperfine, GNU time, distro-info-data) when
# they are missing and starts libvirtd, via tools/test-setup.sh; then runs
# the whole cargo test suite (unit tests, the integration tests in tests/it,
# doc tests) for every crate of the workspace, including the tests plain
# `cargo test` leaves out (marked #[ignore]: those that need QEMU, libvirt,
# the libosinfo tools or distro-info-data, and those that depend on today's
# date); then the Python package's tests (tools/python-test.sh: it builds
# crates/guestdb-py with pip into a fresh venv and runs tests/python with
# pytest, comparing it with the command line, and checks every --json
# output against the JSON schemas of schema/json).
#
# Usage: tools/test.sh [extra cargo test arguments, e.g. a test name filter]
# The reference material must be beside the checkout as ../shared (or set
# GUESTDB_SHARED).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/test-setup.sh
cargo test --workspace --locked "$@" -- --include-ignored
exec tools/python-test.sh
