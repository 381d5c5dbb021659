"""The Python package answers as the command line does: every OS through
`show --json`, list, resolve and detection; its errors are exceptions of
their kind; its stubs declare what it has."""

import ast
import concurrent.futures
import datetime
import json
import pathlib
import shutil

import pytest

import guestdb
from conftest import ROOT, cli_json, run_cli


def all_short_ids():
    return [o["short_id"] for o in cli_json("list", "--fields", "short-id")]


def test_every_os_is_shown_as_the_command_line_shows_it(db):
    names = all_short_ids()
    assert len(names) == len(db) > 900
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        cli = list(pool.map(lambda n: cli_json("show", n), names))
    differ = [n for n, want in zip(names, cli) if db.os(n).to_json() != want]
    assert not differ, f"{len(differ)} OSes differ from 'guestdb show --json', e.g. {differ[:5]}"


def test_typed_attributes_hold_the_facts(db):
    os = db.os("rhel6.10")
    assert os.id == "http://redhat.com/rhel/6.10"
    assert os.short_id == "rhel6.10"
    assert os.name == "Red Hat Enterprise Linux 6.10"
    assert (os.family, os.distro, os.version) == ("linux", "rhel", "6.10")
    assert isinstance(os.release_date, datetime.date)
    want = cli_json("show", "rhel6.10")
    assert os.release_date.isoformat() == want["release_date"]
    assert os.eol_date.isoformat() == want["eol_date"]
    assert os.lifecycle == want["lifecycle"]
    assert os.virtio("net") == {"legacy": True, "modern": False, "needs_driver": False}
    assert sorted(os.chipsets) == sorted(k for k, v in want["chipsets"].items() if v)
    assert os.firmware == want["firmware"]
    assert os.resources == want["resources"]
    assert os.media == want["media"]
    assert os.devices == want["devices"]
    assert os.arches == want["arches"]
    assert os.other_names == want["other_names"]
    assert os.other_names and all(
        {"scheme", "name", "quality"} <= set(n) <= {"scheme", "name", "quality", "arch", "resolves_to"}
        for n in os.other_names
    )
    # VMware's family name for RHEL 6 covers rhel6.10 and resolves to rhel6-unknown;
    # VirtualBox's 64-bit type says its architecture.
    assert any(n["scheme"] == "vmware" and n.get("resolves_to") == "http://redhat.com/rhel/6-unknown"
               for n in os.other_names)
    assert any(n["name"] == "RedHat6_64" and n.get("arch") == "x86_64" for n in os.other_names)
    assert os.supported_on("2019-01-01") and not os.supported_on(datetime.date(2021, 1, 1))
    assert os.supported_on("2021-01-01", support="extended")


def test_per_architecture_virtio_answers_follow_the_architecture_facts(db):
    # Windows Server 2022: virtio-win drives every class on x86_64 (a
    # driver package), which the per-architecture answer says.
    win = db.os("win2k22")
    facts = cli_json("show", "win2k22")["virtio_by_arch"]["x86_64"]["net"]
    assert win.virtio("net", "x86_64") == {
        "legacy": facts["legacy"],
        "modern": facts["modern"],
        "needs_driver": True,
    }


def test_no_summary_hides_an_architectures_answer(db):
    """Every OS-wide virtio answer of show's JSON names each architecture
    whose own facts answer otherwise (Windows Server: none in-box, virtio-win
    on x86_64), and the list word says it too."""
    hidden = []
    for os in db.list():
        j = os.to_json()
        for arch, classes in j["virtio_by_arch"].items():
            for cls, v in classes.items():
                summary = j["virtio"][cls]
                own = {"legacy": v["legacy"], "modern": v["modern"], "needs_driver": "driver" in v}
                same = (summary["legacy"], summary["modern"], "driver" in summary) == (
                    own["legacy"], own["modern"], own["needs_driver"])
                if not same and summary.get("by_arch", {}).get(arch) != own:
                    hidden.append(f"{os.short_id} {cls} {arch}")
    assert not hidden, hidden[:10]
    win = cli_json("list", "--family", "winnt", "--fields", "short-id,virtio-net")
    assert {"short_id": "win2k22", "virtio_net": "none (x86_64: both+driver)"} in win


def test_objects_are_immutable(db):
    os = db.os("fedora43")
    with pytest.raises(AttributeError):
        os.name = "other"
    rec = db.recommend(os, host="debian-12")
    with pytest.raises(AttributeError):
        rec.arch = "s390x"
    with pytest.raises((AttributeError, TypeError)):
        db.extra = 1


def test_lookups_by_alias_and_id_find_the_same_os(db):
    os = db.os("rhel6.10")
    assert db.os(os.id) == os
    assert hash(db.os(os.id)) == hash(os)
    for alias in os.aliases:
        assert db.os(alias) == os


def test_list_filters_as_the_command_line(db):
    cases = [
        {"family": "winnt"},
        {"distro": "rhel", "virtio": "legacy-only"},
        {"chipset": "q35", "family": "freebsd"},
        {"supported_on": "2026-01-01", "support": "extended"},
        {"status": "prerelease"},
        {"arch": "s390x", "virtio": "modern", "virtio_class": "block"},
    ]
    for kw in cases:
        args = ["list", "--fields", "short-id"]
        for k, v in kw.items():
            args += ["--" + k.replace("_", "-"), v]
        want = [o["short_id"] for o in cli_json(*args)]
        got = [o.short_id for o in db.list(**kw)]
        assert got == want, kw
        assert got, f"{kw} matches nothing: the case tests nothing"


def test_resolve_says_the_fallback(db):
    r = db.resolve("rhel10.9")
    assert r.os.distro == "rhel" and r.requested == "rhel10.9"
    assert "newer than every rhel release" in r.fallback
    own = db.resolve("rhel6.10")
    assert own.fallback is None and own.os == db.os("rhel6.10")
    rec = db.recommend("rhel10.9", host="debian-12")
    assert rec.to_json() == cli_json("recommend", "rhel10.9", "--host", "debian-12")
    assert any(w["code"] == "fallback" for w in rec.warnings)


def test_detection_finds_what_the_command_line_finds(db, shared):
    paths = sorted(str(p) for p in (shared / "isodata").rglob("*.iso.txt"))[::7]
    paths += sorted(str(p) for p in (shared / "treeinfodata").rglob("*.treeinfo"))[::5]
    assert len(paths) > 400
    code, out, err = run_cli("detect", "--all", "--json", *paths, check=False)
    assert code in (0, 1), err
    want = {}
    for m in json.loads(out):
        want.setdefault(m["path"], []).append(m)
    for p in paths:
        assert db.detect(p) == want.get(p, []), p


def test_unknown_names_raise_unknown_os_with_suggestions(db):
    with pytest.raises(guestdb.UnknownOS) as e:
        db.os("rhel6.1o")
    assert e.value.suggestions[0] == "rhel6.10"
    assert e.value.name == "rhel6.1o"
    assert "did you mean 'rhel6.10'" in str(e.value)
    assert isinstance(e.value, guestdb.GuestdbError)
    with pytest.raises(guestdb.UnknownOS):
        db.recommend("no-such-os-at-all")
    with pytest.raises(guestdb.UnknownHost) as h:
        db.recommend("rhel6.10", host="debian-99")
    assert "debian-12" in h.value.known


def test_no_recommendation_names_the_rule_and_the_reason(db):
    with pytest.raises(guestdb.NoRecommendation) as e:
        db.recommend("rhel9.6", host="rhel-9.6", migrate_to=["debian-12"])
    assert e.value.rule == "machine-version"
    assert "no q35 machine type is offered by every host" in e.value.reason
    code, _, err = run_cli(
        "recommend", "rhel9.6", "--host", "rhel-9.6", "--migrate-to", "debian-12", check=False
    )
    assert code == 1 and e.value.reason in err
    with pytest.raises(guestdb.NoRecommendation) as e:
        db.recommend("rhel6.10", arch="s390x")
    assert "cannot be installed" in e.value.reason


def test_bad_values_raise_input_error(db):
    for kw in [{"chipset": "q36"}, {"firmware": "coreboot"}, {"arch": "mips"}, {"today": "2026-02-30"}]:
        with pytest.raises(guestdb.InputError) as e:
            db.recommend("rhel6.10", **kw)
        assert e.value.path is None
    with pytest.raises(guestdb.InputError):
        db.list(virtio="sideways")
    with pytest.raises(guestdb.InputError):
        db.recommend("rhel6.10").libvirt_xml(network="carrier-pigeon")
    with pytest.raises(TypeError):
        db.recommend(42)


def test_files_that_cannot_be_used_raise_input_error_with_their_path(db, tmp_path):
    bad = tmp_path / "caps.xml"
    bad.write_text("<domainCapabilities><path>/usr/bin/qemu")
    with pytest.raises(guestdb.InputError) as e:
        db.recommend("rhel6.10", domcaps=bad)
    assert str(bad) in str(e.value)
    with pytest.raises(guestdb.InputError) as e:
        db.detect(tmp_path / "missing.iso")
    assert e.value.path == str(tmp_path / "missing.iso")
    with pytest.raises(guestdb.StoreError) as s:
        guestdb.open(store=bad)
    assert s.value.path == str(bad)


def test_a_broken_data_file_is_an_input_error_at_its_line_and_column(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    target = data / "os" / "redhat.com" / "rhel-6.10.xml"
    text = target.read_text().splitlines()
    # An element that is not closed on line 3.
    text.insert(2, "<broken>")
    target.write_text("\n".join(text) + "\n")
    with pytest.raises(guestdb.InputError) as e:
        guestdb.open(data=data)
    assert e.value.path is not None and e.value.path.endswith("rhel-6.10.xml"), e.value.path
    assert isinstance(e.value.line, int) and isinstance(e.value.column, int)
    assert e.value.findings and f":{e.value.line}:" in e.value.findings[0]


def test_a_data_directory_and_a_store_answer_as_the_embedded_dataset(db, tmp_path):
    store = tmp_path / "guestdb.store"
    run_cli("build", str(ROOT / "data"), "-o", str(store))
    for other in (guestdb.open(store=store), guestdb.open(data=ROOT / "data")):
        assert len(other) == len(db)
        assert other.os("win11").to_json() == db.os("win11").to_json()
        assert other.recommend("win11").to_json() == db.recommend("win11").to_json()


def test_the_stubs_declare_every_public_name():
    stub = pathlib.Path(guestdb.__file__).with_name("_guestdb.pyi")
    tree = ast.parse(stub.read_text())
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            declared.add(node.target.id)
    public = {n for n in guestdb.__all__}
    assert public <= declared, public - declared
    for cls in (guestdb.Database, guestdb.Os, guestdb.Recommendation, guestdb.Resolved):
        stub_cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
        in_stub = {n.name for n in stub_cls.body if isinstance(n, ast.FunctionDef)}
        actual = {n for n in dir(cls) if not n.startswith("_")}
        assert actual <= in_stub, f"{cls.__name__}: {actual - in_stub} missing from the stub"


def test_help_is_useful():
    doc = guestdb.Database.recommend.__doc__
    for word in ("host", "domcaps", "migrate_to", "NoRecommendation", "virtio-win", "ecosystem", "media", "qemu"):
        assert word in doc, word
    assert (
        "os=None, *, media=None, host=None, domcaps=None, qemu=None, migrate_to=None"
        in guestdb.Database.recommend.__text_signature__
    )
    assert "kubevirt_vm" in guestdb.Recommendation.render.__doc__
    for cls in (guestdb.Database, guestdb.Os, guestdb.Recommendation, guestdb.Resolved):
        assert cls.__doc__ and len(cls.__doc__) > 40, cls
    assert guestdb.__version__ and guestdb.DATASET_VERSION
