"""Fixtures of guestdb's Python tests (run by tools/python-test.sh).

The tests compare the Python package with the guestdb command line
(GUESTDB_BIN, built by the script) and read the reference material beside
the checkout (../shared, or GUESTDB_SHARED), as the Rust tests do.
"""

import json
import os
import pathlib
import subprocess

import pytest

import guestdb

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _bin():
    path = os.environ.get("GUESTDB_BIN")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            "GUESTDB_BIN names no guestdb binary; run the Python tests with tools/python-test.sh",
            pytrace=False,
        )
    return path


def run_cli(*args, check=True):
    """Runs the guestdb command line on the embedded dataset; returns
    (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GUESTDB_STORE", "GUESTDB_DATA")}
    p = subprocess.run(
        [_bin(), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if check and p.returncode != 0:
        raise AssertionError(f"guestdb {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    """The JSON the command line prints for ARGS (which must succeed)."""
    _, out, _ = run_cli(*args, "--json")
    return json.loads(out)


@pytest.fixture(scope="session")
def db():
    return guestdb.open()


@pytest.fixture(scope="session")
def shared():
    d = pathlib.Path(os.environ.get("GUESTDB_SHARED", ROOT.parent / "shared"))
    if not (d / "osinfo-db" / "data" / "os").is_dir():
        pytest.fail(
            f"the reference material is missing: expected osinfo-db's data tree at {d}/osinfo-db/data "
            "(clone guestdb beside 'shared', or set GUESTDB_SHARED)",
            pytrace=False,
        )
    return d
