"""Every --json output of a full run validates against its JSON schema in
schema/json (draft 2020-12, checked with the jsonschema package): every OS
through show, every list field, recommendations, the detection corpora, the
machine types of every host, a diff and a data check. The schemas are
strict (no unknown keys), so an output that changes shape fails here until
its schema says so."""

import concurrent.futures
import copy
import json
import re
import shutil

import jsonschema
import pytest

import guestdb
from conftest import ROOT, cli_json, run_cli
from test_recommend import cases

SCHEMAS = ROOT / "schema" / "json"
COMMANDS = ["show", "list", "recommend", "detect", "machines", "diff", "validate", "check"]


def validator(command):
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator, command
    cls.check_schema(schema)
    return cls(schema)


def assert_valid(command, outputs):
    """Validates each (what, json) of OUTPUTS; lists every offender."""
    v = validator(command)
    bad = []
    for what, doc in outputs:
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            bad.append(f"{what}: at {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    assert not bad, f"{len(bad)} outputs do not match {command}.schema.json:\n" + "\n".join(bad[:10])


def test_one_schema_per_command_versioned_with_the_schema_version():
    names = sorted(p.name for p in SCHEMAS.glob("*.json"))
    assert names == sorted(f"{c}.schema.json" for c in COMMANDS)
    for c in COMMANDS:
        schema = json.loads((SCHEMAS / f"{c}.schema.json").read_text())
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:guestdb:json:{c}:schema-version-{guestdb.SCHEMA_VERSION}", c
        validator(c)


def all_short_ids():
    return [o["short_id"] for o in cli_json("list", "--fields", "short-id")]


def test_show_of_every_os():
    names = all_short_ids()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda n: (n, cli_json("show", n)), names))
    outputs += [(f"{n} --explain", cli_json("show", n, "--explain")) for n in ("win11", "rhel6.10", "fedora43")]
    assert len(outputs) > 900
    assert_valid("show", outputs)


def test_list_with_every_field():
    fields = ["id", "short-id", "short-ids", "name", "vendor", "family", "distro", "version",
              "codename", "release-date", "eol-date", "standard-end", "security-end",
              "extended-end", "status", "arches", "chipsets"]
    fields += [f"virtio-{c}" for c in ("net", "block", "console", "rng", "balloon", "scsi", "9p",
                                       "gpu", "input", "vsock", "iommu", "mem", "sound", "fs", "pmem")]
    outputs = [("list --fields all", cli_json("list", "--fields", ",".join(fields)))]
    outputs.append(("list", cli_json("list")))
    outputs.append(("list --family winnt", cli_json("list", "--family", "winnt")))
    for scheme in ("vmware", "proxmox", "kubevirt", "glance", "ovirt", "virtualbox"):
        outputs.append((f"list --scheme {scheme}", cli_json("list", "--scheme", scheme)))
    assert len(outputs[0][1]) > 900
    assert_valid("list", outputs)


def test_recommendations_and_no_recommendation(shared):
    outputs = []
    for os, _, args in cases(shared):
        outputs.append((f"{os} {' '.join(args)}", cli_json("recommend", os, *args)))
    for os in ("win11", "rhel6.10", "ubuntu24.04"):
        for arch, host in (("aarch64", "fedora-45"), ("s390x", "debian-12"), ("ppc64le", "debian-12")):
            code, out, err = run_cli("recommend", os, "--arch", arch, "--host", host, "--json", check=False)
            assert code in (0, 1), err
            outputs.append((f"{os} {arch}", json.loads(out)))
    code, out, _ = run_cli("recommend", "rhel9.6", "--host", "rhel-9.6", "--migrate-to", "debian-12", "--json", check=False)
    assert code == 1
    no = json.loads(out)
    assert no["rule"] == "machine-version"
    outputs.append(("no recommendation", no))
    assert len(outputs) >= 40
    assert_valid("recommend", outputs)


def test_detection_corpora(shared):
    # isoinfo -d dumps (*.txt; the *.lng files beside some are language maps)
    paths = sorted(str(p) for p in (shared / "isodata").rglob("*.txt"))
    paths += sorted(str(p) for p in (shared / "treeinfodata").rglob("*.treeinfo"))
    assert len(paths) > 3000
    code, out, err = run_cli("detect", "--all", "--json", *paths, check=False)
    assert code in (0, 1), err
    found = json.loads(out)
    assert len({m["path"] for m in found}) > 2500
    assert_valid("detect", [("detect --all of the corpora", found)])


def test_machines_of_every_host_and_the_host_profiles(shared):
    hosts = cli_json("machines", "--hosts")
    outputs = [("machines --hosts", hosts)]
    for h in hosts:
        for arch in h["arches"]:
            outputs.append((f"{h['id']} {arch}", cli_json("machines", "--host", h["id"], "--arch", arch)))
    for caps in sorted((shared / "libvirt-domcaps").glob("*.xml")):
        outputs.append((caps.name, cli_json("machines", "--domcaps", str(caps))))
    outputs.append(("qemu 7.2", cli_json("machines", "--qemu-version", "7.2")))
    assert len(outputs) > 40
    assert_valid("machines", outputs)


def test_diff_and_validate(tmp_path):
    new = tmp_path / "data"
    shutil.copytree(ROOT / "data", new)
    rhel = new / "os" / "redhat.com" / "rhel-6.10.xml"
    rhel.write_text(rhel.read_text().replace(">2018-06-19</release-date>", ">2018-06-20</release-date>"))
    (new / "os" / "haiku-os.org" / "haiku-r1beta6.xml").unlink()
    code, out, err = run_cli("diff", str(ROOT / "data"), str(new), "--json", check=False)
    assert code == 1, err
    diff = json.loads(out)
    assert diff["removed"] and diff["changed"]
    outputs = [("diff", diff)]
    _, out, _ = run_cli("diff", str(ROOT / "data"), str(ROOT / "data"), "--json")
    outputs.append(("no diff", json.loads(out)))
    assert_valid("diff", outputs)

    ok = cli_json("validate", str(ROOT / "data"))
    (new / "os" / "redhat.com" / "rhel-6.9.xml").unlink()
    code, out, err = run_cli("validate", str(new), "--json", check=False)
    assert code == 2, err
    findings = json.loads(out)
    assert findings["findings"]
    assert_valid("validate", [("ok", ok), ("findings", findings)])


def test_check_of_domains_and_of_a_fleet(tmp_path):
    """check --json of guestdb's own domains, virt-install's centos7.0 on q35,
    a domain without OS metadata and an unreadable file; then the same
    directory as a fleet."""
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    shutil.copy(ROOT / "docs" / "examples" / "centos7.0-q35.xml", fleet / "centos7.0-q35.xml")
    for os_ in ("rhel6.10", "centos7.0", "win11", "win7", "fedora43", "debian12", "freebsd14.0"):
        _, xml, _ = run_cli("recommend", os_, "--format", "libvirt")
        (fleet / f"{os_}.xml").write_text(xml)
    bare = (fleet / "centos7.0-q35.xml").read_text()
    bare = re.sub(r"<metadata>.*?</metadata>", "", bare, flags=re.S)
    (fleet / "no-metadata.xml").write_text(bare)
    (fleet / "broken.xml").write_text("<domain>")
    files = sorted(str(p) for p in fleet.iterdir())
    outputs = []
    for f in files:
        code, out, err = run_cli("check", f, "--json", check=False)
        assert code in (0, 1, 2), err
        outputs.append((f, json.loads(out)))
    code, out, err = run_cli("check", *files, "--json", check=False)
    assert code == 2, err
    every = json.loads(out)
    assert every["unreadable"] and len(every["domains"]) == len(files) - 1
    codes = {f["code"] for d in every["domains"] for f in d["findings"]}
    assert {"virtio-modern-only", "os-unknown", "end-of-life"} <= codes, codes
    outputs.append(("all files", every))
    code, out, err = run_cli("check", "--fleet", str(fleet), "--json", check=False)
    outputs.append(("--fleet", json.loads(out)))
    assert_valid("check", outputs)


def test_an_output_of_another_shape_fails_its_schema():
    rec = cli_json("recommend", "rhel6.10")
    os = cli_json("show", "rhel6.10")
    broken = []
    for command, doc, change in [
        ("recommend", rec, lambda d: d.pop("machine")),
        ("recommend", rec, lambda d: d.update(surprise=1)),
        ("recommend", rec, lambda d: d["devices"][0].update(placement="behind-the-sofa")),
        ("show", os, lambda d: d["virtio"]["net"].update(legacy="yes")),
        ("show", os, lambda d: d.update(release_date="June 2018")),
        ("show", os, lambda d: d["virtio"].pop("net")),
        ("show", os, lambda d: d["virtio"]["net"].update(surprise=1)),
    ]:
        d = copy.deepcopy(doc)
        change(d)
        if validator(command).is_valid(d):
            broken.append(command)
    assert not broken, f"a changed output still validates: {broken}"
