"""recommend(media=...) and recommend(qemu=...): the OS from install
media and the host from a QEMU binary asked directly, as the command
line's --media and --qemu give them."""

import shutil

import pytest

import guestdb
from conftest import cli_json, run_cli


def media_paths(shared):
    """Install media dumps and .treeinfo files of several distributions
    and architectures, from the detection corpora."""
    paths = []
    for distro in ("fedora", "debian", "rhel", "ubuntu", "windows", "opensuse", "freebsd", "centos"):
        found = sorted((shared / "isodata" / distro).rglob("*.iso.txt"))
        paths += found[:: max(1, len(found) // 4)]
    found = sorted((shared / "treeinfodata").rglob("*.treeinfo"))
    paths += found[:: max(1, len(found) // 8)]
    return [str(p) for p in paths]


def test_recommendations_for_media_are_the_command_lines(db, shared):
    paths = media_paths(shared)
    assert len(paths) >= 30, paths
    answered = 0
    for p in paths:
        code, out, err = run_cli("recommend", "--media", p, "--host", "debian-12", "--json", check=False)
        if code == 1:
            with pytest.raises((guestdb.UnknownOS, guestdb.NoRecommendation)):
                db.recommend(media=p, host="debian-12")
            continue
        assert code == 0, f"{p}: {err}"
        rec = db.recommend(media=p, host="debian-12")
        assert rec.to_json() == cli_json("recommend", "--media", p, "--host", "debian-12"), p
        _, text, _ = run_cli("recommend", "--media", p, "--host", "debian-12", "--format", "proxmox-conf")
        assert db.recommend(media=p, host="debian-12", ecosystem="proxmox").render("proxmox-conf") == text, p
        answered += 1
    assert answered >= len(paths) * 3 // 4, answered
    # The media's architecture unless arch names one.
    arches = {db.recommend(media=p, host="debian-12").arch for p in paths if db.detect(p)}
    assert len(arches) > 1, arches


def test_media_errors(db, tmp_path):
    with pytest.raises(guestdb.InputError) as e:
        db.recommend(media=tmp_path / "missing.iso")
    assert e.value.path == str(tmp_path / "missing.iso")
    with pytest.raises(guestdb.InputError, match="give os or media, not both"):
        db.recommend("rhel6.10", media=tmp_path / "missing.iso")
    with pytest.raises(TypeError, match="needs an os"):
        db.recommend()
    tree = tmp_path / ".treeinfo"
    tree.write_text("[general]\nfamily = Nothing Known\nversion = 1\narch = x86_64\n")
    code, _, err = run_cli("recommend", "--media", str(tree), check=False)
    assert code == 1 and "no known OS matches these media" in err, err
    with pytest.raises(guestdb.UnknownOS, match="no known OS matches these media"):
        db.recommend(media=tree)


def qemu_binary():
    path = shutil.which("qemu-system-x86_64")
    if path is None:
        pytest.fail("qemu-system-x86_64 is not on PATH (QEMU 7.2); run tools/test-setup.sh", pytrace=False)
    return path


def test_a_qemu_binary_as_the_host_is_the_command_lines(db):
    qemu = qemu_binary()
    for os_name, kw, args in [
        ("fedora43", {}, []),
        ("rhel6.10", {}, []),
        ("win11", {"drivers": "virtio-win"}, ["--drivers", "virtio-win"]),
        ("debian13", {"arch": "x86_64"}, ["--arch", "x86_64"]),
    ]:
        rec = db.recommend(os_name, qemu=qemu, **kw)
        assert rec.to_json() == cli_json("recommend", os_name, "--qemu", qemu, *args), os_name
        _, xml, _ = run_cli("recommend", os_name, "--qemu", qemu, *args, "--format", "libvirt")
        assert rec.render("libvirt") == xml, os_name
    assert rec.arch == "x86_64"
    with pytest.raises(guestdb.InputError, match="give one of host, domcaps or qemu"):
        db.recommend("fedora43", qemu=qemu, host="debian-12")
    with pytest.raises(guestdb.GuestdbError):
        db.recommend("fedora43", qemu="/nonexistent/qemu-system-x86_64")
