"""Recommendations from Python are the command line's, in every format,
from many threads at once."""

import concurrent.futures
import subprocess

import pytest

from conftest import ROOT, cli_json, run_cli

OSES = [
    "rhel6.10", "rhel7.9", "rhel8.10", "rhel9.6", "centos7.0", "fedora43",
    "debian9", "debian13", "ubuntu16.04", "ubuntu24.04", "sle15sp6",
    "freebsd14.0", "winxp", "win2k8r2", "win10", "win11", "win2k22",
    "alpinelinux3.20", "rhel10.9",
]


def cases(shared):
    """(os, Python keyword arguments, command-line arguments)."""
    out = []
    for os in OSES:
        for host in ("debian-12", "rhel-9.6"):
            out.append((os, {"host": host}, ["--host", host]))
    out += [
        ("win11", {"drivers": "virtio-win"}, ["--drivers", "virtio-win"]),
        ("win2k22", {"drivers": "virtio-win", "hyperv": "off"}, ["--drivers", "virtio-win", "--hyperv", "off"]),
        ("win10", {"firmware": "efi", "secure_boot": True}, ["--firmware", "efi", "--secure-boot"]),
        ("rhel9.6", {"chipset": "i440fx", "models": "explicit"}, ["--chipset", "i440fx", "--models", "explicit"]),
        ("rhel6.10", {"models": "explicit"}, ["--models", "explicit"]),
        ("fedora43", {"arch": "aarch64", "host": "fedora-45"}, ["--arch", "aarch64", "--host", "fedora-45"]),
        ("rhel9.6", {"arch": "s390x"}, ["--arch", "s390x"]),
        ("rhel9.6", {"host": "rhel-9.6", "migrate_to": ["rhel-9.4"]}, ["--host", "rhel-9.6", "--migrate-to", "rhel-9.4"]),
        ("ubuntu24.04", {"profile": "desktop", "virt_type": "qemu"}, ["--profile", "desktop", "--virt-type", "qemu"]),
    ]
    caps = shared / "libvirt-domcaps"
    for f in ("qemu_7.2.0-q35.x86_64.xml", "qemu_11.0.0.x86_64.xml", "qemu_10.2.0-virt.aarch64.xml"):
        os = "fedora43"
        out.append((os, {"domcaps": caps / f}, ["--domcaps", str(caps / f)]))
        out.append(("win11", {"domcaps": caps / f, "drivers": "virtio-win"}, ["--domcaps", str(caps / f), "--drivers", "virtio-win"]))
    return out


def shell_words(command_text):
    """The arguments a POSIX shell gives the command the text prints
    (backslash-newline continuations, quoting), read by bash itself."""
    lines = [l for l in command_text.splitlines() if not l.lstrip().startswith("#")]
    script = 'words() { printf "%s\\0" "$@"; }\nwords ' + "\n".join(lines) + "\n"
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout
    return out.decode().split("\0")[:-1]


def virt_install_words(text):
    """The virt-install command of `--format virt-install` (after any
    set-up lines), as the shell splits it."""
    return shell_words(text[text.index("virt-install \\\n"):])


def test_every_format_is_the_command_lines(db, shared):
    all_cases = cases(shared)
    assert len(all_cases) >= 40
    for os, kw, args in all_cases:
        rec = db.recommend(os, **kw)
        what = f"{os} {' '.join(args)}"
        assert rec.to_json() == cli_json("recommend", os, *args), what
        _, xml, _ = run_cli("recommend", os, *args, "--format", "libvirt")
        assert rec.libvirt_xml() == xml, what
        _, qemu, _ = run_cli("recommend", os, *args, "--format", "qemu")
        assert rec.qemu_argv() == shell_words(qemu), what
        _, vi, _ = run_cli("recommend", os, *args, "--format", "virt-install")
        assert ["virt-install", *rec.virt_install_args()] == virt_install_words(vi), what
        _, text, _ = run_cli("recommend", os, *args)
        assert rec.text() == text, what


def test_render_options_reach_every_format(db):
    rec = db.recommend("win11", drivers="virtio-win")
    opts = {"name": "vm1", "disk": "/srv/vm1.raw", "cdrom": "/srv/win11.iso", "network": "bridge=br0"}
    args = ["--name", "vm1", "--disk", "/srv/vm1.raw", "--cdrom", "/srv/win11.iso", "--network", "bridge=br0"]
    _, xml, _ = run_cli("recommend", "win11", "--drivers", "virtio-win", "--format", "libvirt", *args)
    assert rec.libvirt_xml(**opts) == xml
    _, vi, _ = run_cli("recommend", "win11", "--drivers", "virtio-win", "--format", "virt-install", *args)
    assert ["virt-install", *rec.virt_install_args(**opts)] == virt_install_words(vi)
    assert "/srv/vm1.raw" in " ".join(rec.qemu_argv(**opts))


def test_threads_sharing_one_database_get_the_sequential_answers(db):
    names = [o.short_id for o in db.list(family="linux")][::4] + [o.short_id for o in db.list(family="winnt")]
    hosts = ["debian-12", "rhel-9.6", "ubuntu-24.04", "fedora-45"]
    jobs = [(n, h) for n in names for h in hosts]

    def answer(job):
        name, host = job
        try:
            rec = db.recommend(name, host=host, today="2026-12-01")
            return rec.to_json(), rec.libvirt_xml(), db.os(name).to_json()
        except Exception as e:  # NoRecommendation is an answer too
            return type(e).__name__, str(e)

    sequential = [answer(j) for j in jobs]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(2):
            assert list(pool.map(answer, jobs)) == sequential
    # Objects made in one thread are used in others.
    rec = db.recommend("rhel6.10", host="debian-12", today="2026-12-01")
    os = db.os("win11")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: (rec.qemu_argv(), os.to_json()), range(64)))
    assert all(g == (rec.qemu_argv(), os.to_json()) for g in got)
    assert len(jobs) > 400
