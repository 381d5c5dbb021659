"""guestdb.cockpit prints the JSON cockpit-machines' getOSList.py prints,
from guestdb's Python API. The script is cockpit-machines' own (Debian's
package, unpacked by tools/test-setup.sh; the script is a string in its
JavaScript bundle), run with the real libosinfo: on guestdb's osinfo-db
export it must print what guestdb.cockpit gives for every OS, and on
Debian's own osinfo-db it is compared for the OSes both know."""

import gzip
import json
import os
import pathlib
import re
import subprocess

import pytest

import guestdb
from guestdb.cockpit import os_list

BUNDLE = pathlib.Path("/opt/guestdb-consumers/cockpit-machines/usr/share/cockpit/machines/index.js.gz")


@pytest.fixture(scope="module")
def get_os_list(tmp_path_factory):
    """cockpit-machines' getOSList.py, taken from its bundle."""
    if not BUNDLE.is_file():
        pytest.fail(f"cockpit-machines is missing at {BUNDLE}; run tools/test-setup.sh", pytrace=False)
    js = gzip.open(BUNDLE, "rt").read()
    # A template literal (`...`) holding the script.
    m = re.search(r"`(#!/usr/bin/python3\n(?:[^`\\]|\\.)*?get_os_list(?:[^`\\]|\\.)*?)`", js)
    assert m, "getOSList.py not found in cockpit-machines' bundle"
    script = m.group(1)
    assert "\\" not in script and "${" not in script, "the script has escapes this extraction does not undo"
    path = tmp_path_factory.mktemp("cockpit") / "getOSList.py"
    path.write_text(script)
    return path


def run_script(script, osinfo_dir=None):
    env = dict(os.environ)
    env.pop("OSINFO_SYSTEM_DIR", None)
    if osinfo_dir:
        env["OSINFO_SYSTEM_DIR"] = str(osinfo_dir)
    out = subprocess.run(["/usr/bin/python3", str(script)], env=env, capture_output=True, text=True, check=True)
    return {o["id"]: o for o in json.loads(out.stdout)}


def test_the_script_on_guestdbs_export_prints_what_guestdb_gives(get_os_list, tmp_path):
    db = guestdb.open()
    export = tmp_path / "osinfo"
    guestdb.export_osinfo(export)
    theirs = run_script(get_os_list, export)
    ours = {o["id"]: o for o in os_list(db)}
    assert set(ours) == set(theirs) and len(ours) == len(db)
    differ = []
    for i, o in ours.items():
        for k, v in o.items():
            if theirs[i][k] == v:
                continue
            # The export leaves out media of architectures osinfo-db's
            # schema does not know (README: What is not there yet).
            left_out = sum(1 for m in db.os(i).media if m["arch"] == "loongarch64")
            if k == "medias" and len(v) - len(theirs[i][k]) == left_out > 0:
                continue
            differ.append(f"{o['shortId']} {k}: guestdb {v!r}, script {theirs[i][k]!r}")
    assert not differ, "\n".join(differ[:20])


# Where Debian 12's osinfo-db (older than guestdb's import) names an OS
# otherwise: (id, key) -> (libosinfo's, guestdb's).
DEBIAN_DIFFERS = {
    ("http://asianux.com/asianux/4.6", "version"): ("", "4.6"),
    ("http://asianux.com/asianux/4.7", "version"): ("", "4.7"),
    ("http://microsoft.com/msdos/6.22", "family"): ("msdos", "dos"),
    ("http://freedos.org/freedos/1.2", "family"): ("linux", "dos"),
    ("http://slackware.com/slackware/current", "name"): ("Slackware -current", "Slackware current"),
    ("http://trisquel.info/trisquel/9", "name"): ("Trisquel", "Trisquel 9.0 LTS"),
}


def test_the_script_on_debians_osinfo_db_names_the_oses_as_guestdb(get_os_list):
    theirs = run_script(get_os_list)
    ours = {o["id"]: o for o in os_list()}
    both = sorted(set(theirs) & set(ours))
    assert len(both) > 700
    differ = {}
    for i in both:
        for k in ("shortId", "name", "version", "family", "vendor", "codename"):
            if theirs[i][k] != ours[i][k]:
                differ[(i, k)] = (theirs[i][k], ours[i][k])
    assert differ == DEBIAN_DIFFERS
