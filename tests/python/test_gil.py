"""guestdb releases the interpreter's lock while it works, so other
Python threads run meanwhile. Deterministic, not timed: with a switch
interval of 1000 s the interpreter never takes the lock from a thread by
force, so the main thread, waiting for the lock, runs before the worker's
call returns only if the call releases it."""

import sys
import threading

import guestdb
from conftest import ROOT


def main_ran_during(call, times=5000):
    """Calls CALL up to TIMES times on a worker thread, stopping once the
    main thread has run; True if the main thread got the lock back before
    the calls were done. Between calls the worker runs only Python code,
    which (with the long switch interval) never gives the lock away, so the
    main thread can run early only inside a call that releases the lock;
    repeating the call makes sure the main thread is scheduled while one
    such call is under way."""
    started, stop = threading.Event(), threading.Event()
    count = {"calls": 0}

    def worker():
        started.set()
        while count["calls"] < times and not stop.is_set():
            call()
            count["calls"] += 1

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        t = threading.Thread(target=worker)
        t.start()
        started.wait()
        stop.set()
        t.join()
    finally:
        sys.setswitchinterval(old)
    return count["calls"] < times


def test_pure_python_work_holds_the_lock():
    # The control: calls that keep the lock all run before the main thread.
    assert not main_ran_during(lambda: sum(range(1000)))


def test_guestdb_calls_release_the_lock():
    db = guestdb.open()
    os = db.os("win11")
    rec = db.recommend("win11", host="debian-12")
    calls = {
        "open": lambda: guestdb.open(),
        "open(data=...)": lambda: guestdb.open(data=ROOT / "data"),
        "list": lambda: db.list(family="linux"),
        "recommend": lambda: db.recommend("rhel6.10", host="rhel-9.6"),
        "Os.to_json": lambda: os.to_json(),
        "libvirt_xml": lambda: rec.libvirt_xml(),
    }
    # Compiling a data directory takes long enough for a few calls to do.
    held = [name for name, call in calls.items() if not main_ran_during(call, 3 if "data" in name else 5000)]
    assert not held, f"these calls keep the interpreter's lock: {held}"
