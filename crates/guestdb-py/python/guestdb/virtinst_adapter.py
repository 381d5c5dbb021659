"""Use guestdb from virt-install-like tools: virtinst builds the guest,
guestdb chooses its machine type, firmware and device models.

virt-install picks devices from libosinfo's device lists and its own
defaults; guestdb's recommendation picks them for the OS *and* the host
(and any host the VM must migrate to), with the rules that chose each. The
adapter hands the recommendation to virtinst as the virt-install options
it already understands, so virtinst (its option parsing, validation and
XML building, against the real libvirt connection) builds the domain:

    >>> import guestdb
    >>> from guestdb import virtinst_adapter
    >>> rec = guestdb.open().recommend("rhel9.6", host="debian-12")
    >>> xml = virtinst_adapter.domain_xml(rec, name="vm1",
    ...     disk="/var/lib/libvirt/images/vm1.qcow2")        # doctest: +SKIP

`domain_xml` runs virt-install's --dry-run --print-xml path in-process
(nothing is defined on the host); `install` runs the installation itself.
virtinst comes from virt-manager (Debian's `virtinst` package installs it
in /usr/share/virt-manager; give another with `virtinst_path`).

virt-install needs the OS in its osinfo-db, and a host's osinfo-db is often
older than the OS (Debian 12's does not know RHEL 9.6). When the
recommendation says the host's osinfo-db does not know it (its
`osinfo.known` is not True), the adapter writes guestdb's osinfo-db export
(`guestdb.export_osinfo`) and points `OSINFO_SYSTEM_DIR` at it before
virtinst loads libosinfo, as `guestdb recommend --format virt-install`'s
set-up lines do. libosinfo reads that directory once per process, so the
first use decides: call `use_guestdb_osinfo()` first when a process mixes
OSes its host knows and OSes it does not.
"""

import contextlib
import io
import os
import pathlib
import sys

import guestdb

DEFAULT_VIRTINST_PATH = "/usr/share/virt-manager"
# Where `guestdb recommend --format virt-install` writes the export too.
DEFAULT_OSINFO_DIR = pathlib.Path.home() / ".cache" / "guestdb" / "osinfo"


def use_guestdb_osinfo(directory=None):
    """Writes guestdb's osinfo-db export to `directory` (default
    ~/.cache/guestdb/osinfo) and points OSINFO_SYSTEM_DIR at it, for the
    libosinfo this process loads afterwards. Returns the directory."""
    directory = pathlib.Path(directory or DEFAULT_OSINFO_DIR)
    directory.parent.mkdir(parents=True, exist_ok=True)
    guestdb.export_osinfo(directory)
    os.environ["OSINFO_SYSTEM_DIR"] = str(directory)
    return directory


def virt_install_argv(rec, **options):
    """The virt-install command line of the recommendation, a list
    starting with 'virt-install' (options: name, disk, cdrom, network,
    drivers_iso, as Recommendation.virt_install_args takes them)."""
    return ["virt-install", *rec.virt_install_args(**options)]


def _virtinstall(virtinst_path):
    if "virtinst" not in sys.modules:
        path = str(virtinst_path or DEFAULT_VIRTINST_PATH)
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        from virtinst import virtinstall
    except ImportError as e:
        raise guestdb.InputError(
            f"virtinst cannot be imported from {virtinst_path or DEFAULT_VIRTINST_PATH} ({e}); "
            "install virt-manager's virtinst (Debian: virtinst) or give virtinst_path"
        ) from e
    return virtinstall


def _needs_export(rec):
    return rec.to_json()["osinfo"]["known"] is not True and "OSINFO_SYSTEM_DIR" not in os.environ


def _run(rec, extra, connect, virtinst_path, options):
    if _needs_export(rec):
        if "virtinst" in sys.modules:
            raise guestdb.InputError(
                f"{rec.os['short_id']}: the host's osinfo-db may not know it "
                f"({rec.to_json()['osinfo']['reason']}), and virtinst is already loaded; "
                "call guestdb.virtinst_adapter.use_guestdb_osinfo() before first use"
            )
        use_guestdb_osinfo()
    virtinstall = _virtinstall(virtinst_path)
    argv = ["virt-install", "--connect", connect, *rec.virt_install_args(**options), *extra]
    out = io.StringIO()
    saved = sys.argv
    sys.argv = argv
    try:
        with contextlib.redirect_stdout(out):
            code = virtinstall.main()
    except SystemExit as e:  # virt-install exits on an error it reports
        code = e.code
    finally:
        sys.argv = saved
    if code not in (0, None):
        raise guestdb.InputError(f"virt-install {' '.join(argv[1:])} failed (exit {code}); see its log above")
    return out.getvalue()


def domain_xml(rec, *, connect="qemu:///system", virtinst_path=None, **options):
    """The domain XML virtinst builds for the recommendation on the libvirt
    connection `connect` (virt-install --dry-run --print-xml: nothing is
    defined). Options as for virt_install_argv."""
    return _run(rec, ["--dry-run", "--print-xml"], connect, virtinst_path, options)


def install(rec, *, connect="qemu:///system", virtinst_path=None, extra=(), **options):
    """Runs virt-install for the recommendation on `connect`: the guest is
    defined and its installation starts (`extra`: more virt-install
    arguments, e.g. ['--wait', '0'])."""
    return _run(rec, list(extra), connect, virtinst_path, options)
