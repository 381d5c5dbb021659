#!/usr/bin/env python3
"""Times guestdb's Python package against libosinfo's GObject bindings,
side by side in one run (a timing script, not a test):

  import + open     `import guestdb; guestdb.open()` in a fresh interpreter,
                    against `Libosinfo.Loader().process_default_path()`
                    (with gi's import) in a fresh interpreter
  lookup            db.os('rhel6.10'), against finding rhel6.10 by short-id
                    in libosinfo's OS list (a Filter on 'short-id', as Nova
                    and virt-install do)
  recommend         db.recommend('rhel6.10', host='debian-12')

Each figure is the median of several runs. Run it with the Python that has
guestdb installed, e.g. the venv tools/python-test.sh makes:
  python3 tools/python-bench.py
"""

import statistics
import subprocess
import sys
import time
import timeit


def fresh(code, runs=15):
    """Median seconds the code (which prints its own elapsed time) takes in
    a fresh interpreter."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def per_call(stmt, setup, number):
    t = timeit.Timer(stmt, setup=setup)
    return statistics.median(t.repeat(repeat=7, number=number)) / number


def fmt(s):
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.2f} µs"
    return f"{s * 1e9:.0f} ns"


GDB_OPEN = "import time; t=time.perf_counter(); import guestdb; db=guestdb.open(); print(time.perf_counter()-t)"
GI_OPEN = (
    "import time; t=time.perf_counter(); import gi; gi.require_version('Libosinfo', '1.0'); "
    "from gi.repository import Libosinfo; l=Libosinfo.Loader(); l.process_default_path(); db=l.get_db(); "
    "print(time.perf_counter()-t)"
)
GI_SETUP = (
    "import gi; gi.require_version('Libosinfo', '1.0'); from gi.repository import Libosinfo; "
    "l=Libosinfo.Loader(); l.process_default_path(); oslist=l.get_db().get_os_list()\n"
    "def find(short):\n"
    "    f=Libosinfo.Filter.new(); f.add_constraint('short-id', short)\n"
    "    return oslist.new_filtered(f).get_nth(0)\n"
)


def main():
    rows = []
    import guestdb

    rows.append(("import + open", fresh(GDB_OPEN), fresh(GI_OPEN)))
    rows.append(
        (
            "lookup rhel6.10",
            per_call("db.os('rhel6.10')", "import guestdb; db=guestdb.open(); db.os('rhel6.10'); db.os('win11')", 100_000),
            per_call("find('rhel6.10')", GI_SETUP, 100),
        )
    )
    rows.append(
        (
            "recommend rhel6.10 on debian-12",
            per_call(
                "db.recommend('rhel6.10', host='debian-12')",
                "import guestdb; db=guestdb.open(); db.recommend('rhel6.10', host='debian-12')",
                2_000,
            ),
            None,
        )
    )
    print(f"guestdb {guestdb.__version__} (dataset {guestdb.DATASET_VERSION}), Python {sys.version.split()[0]}")
    print(f"{'call':34} {'guestdb':>12} {'libosinfo (GI)':>16}")
    for name, ours, theirs in rows:
        print(f"{name:34} {fmt(ours):>12} {fmt(theirs) if theirs else '-':>16}")


if __name__ == "__main__":
    main()
