"""guestdb.virtinst_adapter: virtinst (Debian's virtinst, virt-manager's
library) builds the guest from a recommendation, through virt-install's
--dry-run --print-xml path on the test libvirtd, and the domain it builds
has guestdb's machine type, firmware and device models."""

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import guestdb
from guestdb import virtinst_adapter

URI = "qemu:///system"
OSES = ["rhel6.10", "rhel9.6", "fedora43", "ubuntu24.04", "win11", "win2k22", "winxp", "freebsd14.3"]


@pytest.fixture(scope="module")
def libvirt(tmp_path_factory):
    if not os.path.isfile(os.path.join(virtinst_adapter.DEFAULT_VIRTINST_PATH, "virtinst", "virtinstall.py")):
        pytest.fail("virtinst is missing (Debian package virtinst); run tools/test-setup.sh", pytrace=False)
    virsh = shutil.which("virsh")
    if not virsh or subprocess.run([virsh, "-c", URI, "version"], capture_output=True).returncode != 0:
        pytest.fail(f"libvirtd does not answer on {URI}; run tools/test-setup.sh (it starts libvirtd)", pytrace=False)
    # Debian 12's osinfo-db predates most of these OSes: virtinst reads
    # guestdb's export, as the adapter documents.
    virtinst_adapter.use_guestdb_osinfo(tmp_path_factory.mktemp("osinfo"))
    return URI


def first(devices, cls):
    return next(d for d in devices if d["class"] == cls)


@pytest.mark.parametrize("os_name", OSES)
def test_virtinst_builds_the_guest_guestdb_recommends(libvirt, os_name, tmp_path):
    db = guestdb.open()
    drivers = "virtio-win" if os_name.startswith("win") and os_name != "winxp" else "none"
    rec = db.recommend(os_name, host="debian-12", virt_type="qemu", drivers=drivers)
    disk = tmp_path / "vm.qcow2"
    # virt-install checks that a CD-ROM's medium exists (virtio-win's here).
    drivers_iso = tmp_path / "virtio-win.iso"
    drivers_iso.write_bytes(b"")
    xml = virtinst_adapter.domain_xml(
        rec, connect=libvirt, name="guestdb-vi-test", disk=str(disk), network="user", drivers_iso=str(drivers_iso)
    )
    # The install-time domain (virt-install prints one per boot phase).
    dom = ET.fromstring(xml[: xml.index("</domain>") + len("</domain>")])
    machine = rec.machine["name"]
    assert dom.find("os/type").get("machine") == machine, os_name
    fw = rec.firmware
    os_el = dom.find("os")
    if fw["type"] == "efi":
        assert os_el.get("firmware") == "efi" or os_el.find("loader") is not None, ET.tostring(os_el)
    else:
        assert os_el.get("firmware") in (None, "bios") and os_el.find("loader") is None
    if fw["tpm"]:
        assert dom.find("devices/tpm").get("model") == fw["tpm"]["model"]
    devices = rec.devices
    sysdisk = first(devices, "disk")
    target = dom.find("devices/disk[@device='disk']/target")
    assert target.get("bus") == sysdisk["libvirt_bus"], os_name
    if sysdisk["libvirt_bus"] == "virtio" and sysdisk["libvirt_model"] not in (None, "virtio"):
        assert dom.find("devices/disk[@device='disk']").get("model") == sysdisk["libvirt_model"]
    nic = first(devices, "net")
    assert dom.find("devices/interface/model").get("type") == nic["libvirt_model"], os_name
    video = first(devices, "video")
    assert dom.find("devices/video/model").get("type") == video["libvirt_model"], os_name
    # The same choices as guestdb's own domain XML.
    ours = ET.fromstring(rec.libvirt_xml(name="guestdb-vi-test", disk=str(disk), network="user"))
    assert ours.find("os/type").get("machine") == machine
    assert ours.find("devices/interface/model").get("type") == nic["libvirt_model"]


def test_the_argv_is_virt_installs(libvirt):
    rec = guestdb.open().recommend("fedora43")
    argv = virtinst_adapter.virt_install_argv(rec, name="vm1")
    assert argv[:3] == ["virt-install", "--name", "vm1"]
    assert "--machine" in argv and rec.machine["name"] in argv
