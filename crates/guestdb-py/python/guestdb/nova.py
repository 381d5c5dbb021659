"""Nova's OS hardware hints (nova/virt/osinfo.py) answered by guestdb.

Nova's libvirt driver asks libosinfo, through GObject introspection, for
the first network and disk device an image's OS (Glance's `os_distro`, an
osinfo id or short-id) lists, and turns virtio-net/virtio-block into
'virtio'. This module gives the same two answers from guestdb's
recommendation for the OS on a host, with no GObject:

    >>> from guestdb.nova import OsInfo
    >>> OsInfo("fedora22").network_model, OsInfo("fedora22").disk_model
    ('virtio', 'virtio')
    >>> OsInfo("winxp").disk_model
    'ide'
    >>> OsInfo("test33").network_model is None
    True

The answers are libvirt values: a NIC model (virtio, e1000e, e1000,
rtl8139, ...) and a disk bus (virtio, sata, ide, scsi). The recommendation
picks them for the host (`host`, a profile; default the dataset's default
host), so an OS without virtio drivers gets the emulated devices of the
machine type chosen for it, and an OS newer than the dataset knows is
answered as its nearest known release.
"""

import guestdb

_db = None


def _database():
    global _db
    if _db is None:
        _db = guestdb.open()
    return _db


class OsInfo:
    """The hardware hints for one OS (`os_name`: an id or short-id; None
    or an unknown name gives None for both), as Nova's OsInfo has them."""

    # virtio models that say how the device is plugged; Nova's libvirt
    # driver knows only 'virtio' and places the device itself.
    _PLAIN = {"virtio-transitional": "virtio", "virtio-non-transitional": "virtio"}

    def __init__(self, os_name, host=None, db=None):
        self._rec = None
        if os_name:
            try:
                self._rec = (db or _database()).recommend(os_name, host=host)
            except (guestdb.UnknownOS, guestdb.NoRecommendation):
                self._rec = None

    def _first(self, cls, key):
        if self._rec is None:
            return None
        for device in self._rec.devices:
            if device["class"] == cls and device[key]:
                return self._PLAIN.get(device[key], device[key])
        return None

    @property
    def network_model(self):
        """The NIC model, a libvirt value ('virtio', 'e1000e', ...), or None."""
        return self._first("net", "libvirt_model")

    @property
    def disk_model(self):
        """The system disk's bus ('virtio', 'sata', 'ide', 'scsi'), or None."""
        return self._first("disk", "libvirt_bus")
