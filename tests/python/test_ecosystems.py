"""Recommendations for KubeVirt, OpenStack and Proxmox from Python:
`recommend(ecosystem=...)` narrows the answer as the command line's
`--format` does, and `Recommendation.render(format)` prints what
`guestdb recommend --format FORMAT` prints, byte for byte."""

import json
import os
import subprocess

import pytest

import guestdb
from conftest import ROOT, _bin

# Each format and the ecosystem the command line recommends for with it.
FORMATS = {
    "text": "libvirt",
    "json": "libvirt",
    "libvirt": "libvirt",
    "qemu": "libvirt",
    "virt-install": "libvirt",
    "kubevirt": "kubevirt",
    "openstack": "openstack",
    "openstack-cli": "openstack",
    "proxmox": "proxmox",
    "proxmox-conf": "proxmox",
}

# (os, Python keyword arguments, command-line arguments): legacy-only
# guests (the ecosystem rule gives them i440fx and plain virtio on Nova and
# Proxmox), Windows with and without virtio-win, UEFI, another arch.
CASES = [
    ("rhel6.10", {}, []),
    ("centos7.0", {"host": "rhel-9.6"}, ["--host", "rhel-9.6"]),
    ("debian13", {}, []),
    ("ubuntu24.04", {"host": "debian-12"}, ["--host", "debian-12"]),
    ("winxp", {}, []),
    ("win11", {}, []),
    ("win11", {"drivers": "virtio-win"}, ["--drivers", "virtio-win"]),
    ("win2k22", {"drivers": "virtio-win", "hyperv": "off"}, ["--drivers", "virtio-win", "--hyperv", "off"]),
    ("win10", {"firmware": "efi", "secure_boot": True}, ["--firmware", "efi", "--secure-boot"]),
    ("freebsd14.0", {}, []),
    ("fedora43", {"arch": "aarch64", "host": "fedora-45"}, ["--arch", "aarch64", "--host", "fedora-45"]),
]

OPTIONS = {"name": "vm1", "disk": "/srv/vm1.raw", "cdrom": "/srv/install.iso", "network": "bridge=br0"}
OPTION_ARGS = ["--name", "vm1", "--disk", "/srv/vm1.raw", "--cdrom", "/srv/install.iso", "--network", "bridge=br0"]


def cli(*args):
    """The command line's exit code, stdout and stderr, as bytes."""
    env = {k: v for k, v in os.environ.items() if k not in ("GUESTDB_STORE", "GUESTDB_DATA")}
    p = subprocess.run([_bin(), *args], cwd=ROOT, env=env, capture_output=True, check=False)
    return p.returncode, p.stdout, p.stderr


def render_cases():
    out = []
    for os_name, kw, args in CASES:
        for fmt in FORMATS:
            out.append((os_name, kw, args, fmt, {}, []))
        out.append((os_name, kw, args, "kubevirt", {"kubevirt_vm": True}, ["--kubevirt-vm"]))
        out.append((os_name, kw, args, "text", {"explain": True}, ["--explain"]))
    for fmt in FORMATS:
        if fmt not in ("text", "json"):
            out.append(("win11", {"drivers": "virtio-win"}, ["--drivers", "virtio-win"], fmt, OPTIONS, OPTION_ARGS))
    return out


def test_render_is_the_command_lines_stdout_for_every_format(db):
    cases = render_cases()
    assert len(cases) >= 100
    seen = set()
    refused = []
    for os_name, kw, args, fmt, render_kw, render_args in cases:
        what = f"recommend {os_name} {' '.join(args)} --format {fmt} {' '.join(render_args)}"
        code, out, err = cli("recommend", os_name, *args, "--format", fmt, *render_args)
        if code == 1:
            # No possible choice on this system: the same answer from Python.
            with pytest.raises(guestdb.NoRecommendation) as no:
                db.recommend(os_name, ecosystem=FORMATS[fmt], **kw)
            assert str(no.value) in err.decode(), what
            refused.append(what)
            continue
        assert code == 0, f"{what}: exit {code}: {err.decode()}"
        rec = db.recommend(os_name, ecosystem=FORMATS[fmt], **kw)
        assert rec.ecosystem == FORMATS[fmt], what
        got = rec.render(fmt, **render_kw)
        assert got.encode() == out, what
        seen.add(fmt)
        if fmt in ("libvirt", "qemu", "virt-install"):
            # The warnings the command line prints apart are the recommendation's.
            lines = [f"guestdb: warning[{w['code']}]: {w['message']}" for w in rec.warnings]
            assert err.decode().splitlines() == lines, what
    assert seen == set(FORMATS)
    assert len(refused) < len(cases) // 10, refused


def test_the_ecosystem_narrows_the_answer(db):
    # A legacy-only guest: Nova and Proxmox have no transitional models, so
    # the ecosystem rule picks i440fx and says so in a warning.
    libvirt = db.recommend("rhel6.10", host="debian-12")
    for eco in ("openstack", "proxmox"):
        rec = db.recommend("rhel6.10", host="debian-12", ecosystem=eco)
        assert rec.to_json() != libvirt.to_json(), eco
        assert rec.machine["name"].startswith("pc-i440fx"), eco
        assert rec.to_json()["policy"]["ecosystem"] == eco
    assert db.recommend("rhel6.10", ecosystem=None).to_json() == libvirt.to_json()
    assert db.recommend("rhel6.10", host="debian-12", ecosystem="libvirt").to_json() == libvirt.to_json()
    # KubeVirt: q35 only.
    assert db.recommend("winxp", ecosystem="kubevirt").machine["name"].startswith("pc-q35")


def test_an_unknown_ecosystem_is_an_input_error_naming_the_known_ones(db):
    with pytest.raises(guestdb.InputError, match="unknown ecosystem 'vmware'; expected libvirt, kubevirt, openstack or proxmox"):
        db.recommend("rhel6.10", ecosystem="vmware")


def test_another_systems_format_is_an_input_error(db):
    libvirt = db.recommend("win11")
    with pytest.raises(guestdb.InputError, match=r"ecosystem='kubevirt'"):
        libvirt.render("kubevirt")
    with pytest.raises(guestdb.InputError, match=r"ecosystem='proxmox'"):
        libvirt.render("proxmox-conf")
    nova = db.recommend("win11", ecosystem="openstack")
    for fmt in ("libvirt", "qemu", "virt-install", "kubevirt", "proxmox"):
        with pytest.raises(guestdb.InputError, match=r"made for OpenStack Nova"):
            nova.render(fmt)
    for call in (nova.libvirt_xml, nova.qemu_argv, nova.virt_install_args):
        with pytest.raises(guestdb.InputError, match=r"ecosystem='libvirt'"):
            call()
    # Text and JSON say what any recommendation is.
    assert json.loads(nova.render("json")) == nova.to_json()
    assert nova.render("text") == nova.text()
    assert ("\n" + nova.render("openstack-cli")).count("\nopenstack image set \\\n") == 1


def test_bad_formats_and_options_are_input_errors(db):
    rec = db.recommend("win11", ecosystem="proxmox")
    with pytest.raises(guestdb.InputError, match="unknown format 'yaml'; expected text, json, libvirt, qemu"):
        rec.render("yaml")
    with pytest.raises(guestdb.InputError, match="kubevirt_vm goes with the kubevirt format only"):
        rec.render("proxmox", kubevirt_vm=True)
    with pytest.raises(guestdb.InputError, match="name holds the control character U\\+000A"):
        rec.render("proxmox", name="vm\n1")
    with pytest.raises(guestdb.InputError, match="network 'wifi' is not one of user"):
        rec.render("proxmox-conf", network="wifi")
    with pytest.raises(guestdb.InputError, match="disk holds '''"):
        db.recommend("win11").render("virt-install", disk="/srv/it's.qcow2")
    with pytest.raises(guestdb.InputError, match="disk holds '''"):
        db.recommend("win11").virt_install_args(disk="/srv/it's.qcow2")


def test_narrowed_recommendations_match_the_json_schema(db):
    from test_schema import assert_valid

    outputs = []
    for os_name, kw, _ in CASES:
        for eco in ("libvirt", "kubevirt", "openstack", "proxmox"):
            try:
                rec = db.recommend(os_name, ecosystem=eco, **kw)
            except guestdb.NoRecommendation:
                continue
            outputs.append((f"{os_name} {kw} ecosystem={eco}", rec.to_json()))
            outputs.append((f"{os_name} {kw} ecosystem={eco} render json", json.loads(rec.render("json"))))
    assert len(outputs) > 60
    assert_valid("recommend", outputs)
