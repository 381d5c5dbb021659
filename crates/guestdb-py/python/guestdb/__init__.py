"""guestdb: the guest-OS database and its recommendations, in-process.

Open the database embedded in this package, look OSes up, list them,
identify install media, and ask which machine type, firmware and device
models an OS should get on a host::

    >>> import guestdb
    >>> db = guestdb.open()
    >>> os = db.os("rhel6.10")
    >>> os.virtio("net")
    {'legacy': True, 'modern': False, 'needs_driver': False}
    >>> rec = db.recommend("rhel6.10", host="debian-12")
    >>> rec.machine["name"]
    'pc-i440fx-7.2'

Every object is immutable and may be shared between threads; the
interpreter's lock is released while guestdb works. Errors are exceptions
of one class per kind, all subclasses of GuestdbError: UnknownOS,
UnknownHost, NoRecommendation, InputError, StoreError.

guestdb.virtinst_adapter is how a virt-install-like tool takes the
machine, firmware and device models from a recommendation (virtinst builds
the guest); guestdb.nova gives Nova's hardware hints (nova/virt/osinfo.py)
without GObject.
"""

from ._guestdb import (
    ARCHES,
    DATASET_VERSION,
    SCHEMA_VERSION,
    Database,
    GuestdbError,
    InputError,
    NoRecommendation,
    Os,
    Recommendation,
    Resolved,
    StoreError,
    UnknownHost,
    UnknownOS,
    __version__,
    export_osinfo,
    open,
)

__all__ = [
    "ARCHES",
    "DATASET_VERSION",
    "SCHEMA_VERSION",
    "Database",
    "GuestdbError",
    "InputError",
    "NoRecommendation",
    "Os",
    "Recommendation",
    "Resolved",
    "StoreError",
    "UnknownHost",
    "UnknownOS",
    "__version__",
    "export_osinfo",
    "open",
]
