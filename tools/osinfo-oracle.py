#!/usr/bin/python3
"""Dump what the real libosinfo makes of an osinfo-db data tree, as JSON.

Usage: /usr/bin/python3 tools/osinfo-oracle.py <osinfo data dir> <out.json>

Run it with Debian's /usr/bin/python3 (needs python3-gi and
gir1.2-libosinfo-1.0, installed by tools/test-setup.sh); a pyenv python does
not see Debian's gi.

The source tree (osinfo-db's data/, files named *.xml.in) is copied to a
temporary directory with *.xml.in renamed to *.xml, then loaded with
Libosinfo.Loader.process_path(). *.xml.in.in files are Jinja templates
(endlessos.com/eos-3.xml.in.in generates the eos-3.N files, which are already
in the tree as *.xml.in) and are skipped: libosinfo would reject the raw
template anyway ("Entity http://endlessos.com/eos/{{ current_series }} must
be in file ..."). Warnings about undefined install-script entities are
expected (the tree has no install-script/ directory).

Output: a JSON list sorted by id, one object per OS:
  id, short_ids, name, vendor, family, distro, version, codename,
  release_date, eol_date (YYYY-MM-DD or null), release_status (released,
  prerelease, snapshot, rolling),
  relations - {"derives_from", "clones", "upgrades"}: sorted ids of the
              OS's own relations (os.get_related),
  variants  - sorted [id, name] of os.get_variant_list(),
  media     - os.get_media_list() (own media): arch, live, installer,
              installer_reboots, url, kernel, initrd, the ISO patterns
              volume_id, system_id, publisher_id, application_id,
              volume_size (null when unset) and the variant ids,
  trees     - os.get_tree_list() (own trees): arch, url, kernel, initrd,
              boot_iso, the .treeinfo patterns family, version,
              treeinfo_arch, variant, and the variant ids,
  devices   - sorted device ids from os.get_all_devices(None), i.e. after
              derives-from/clones inheritance and supported="false" removal,
  firmware  - os.get_complete_firmware_list(None): the effective list after
              derives-from/clones inheritance, including entries marked
              supported="false"; each {"arch", "type", "supported"},
  firmware_supported - os.get_firmware_list(None): the same, inherited, but
              only the supported entries,
  resources - {"minimum", "recommended", "maximum", "network-install"}: the
              lists libosinfo returns, each {"arch","n_cpus","cpu","ram",
              "storage"} with -1 for unset, as libosinfo reports. libosinfo
              inherits resources only into an OS's own <resources
              inherit="true"> entries (unset fields filled from ancestors'
              entries of the same arch); an OS without <resources> gets [],
  drivers   - os.get_device_drivers() (own only, not inherited):
              {"arch","pre_installable","location","signed","priority",
              "devices" (sorted ids),"files"}.
Firmware and resources lists are sorted (by arch, type / by arch; libosinfo
itself returns own entries first, then inherited ones, in file order).
A one-line summary (OS count, load and dump time) goes to stdout; libosinfo's
warnings go to stderr.
"""
import json
import os
import shutil
import sys
import tempfile
import time

import gi

gi.require_version("Libosinfo", "1.0")
from gi.repository import Libosinfo  # noqa: E402


def copy_tree(src, dst):
    """Copy src to dst renaming *.xml.in to *.xml; skip *.xml.in.in."""
    n = 0
    for root, _dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        out = os.path.join(dst, rel)
        os.makedirs(out, exist_ok=True)
        for f in files:
            if f.endswith(".xml.in.in"):
                continue
            if f.endswith(".xml.in"):
                target = f[: -len(".in")]
            else:
                target = f
            shutil.copyfile(os.path.join(root, f), os.path.join(out, target))
            n += 1
    return n


def entity_list(lst):
    return [lst.get_nth(i) for i in range(lst.get_length())]


def resources(lst):
    return sorted([
        {
            "arch": r.get_architecture(),
            "n_cpus": r.get_n_cpus(),
            "cpu": r.get_cpu(),
            "ram": r.get_ram(),
            "storage": r.get_storage(),
        }
        for r in entity_list(lst)
    ], key=lambda r: r["arch"])


def firmware(lst):
    return sorted([
        {
            "arch": f.get_architecture(),
            "type": f.get_firmware_type(),
            "supported": bool(f.is_supported()),
        }
        for f in entity_list(lst)
    ], key=lambda f: (f["arch"], f["type"], f["supported"]))


def drivers(os_):
    out = []
    for d in entity_list(os_.get_device_drivers()):
        out.append(
            {
                "arch": d.get_architecture(),
                "pre_installable": bool(d.get_pre_installable()),
                "location": d.get_location(),
                "signed": bool(d.get_signed()),
                "priority": d.get_priority(),
                "devices": sorted(dev.get_id() for dev in entity_list(d.get_devices())),
                "files": list(d.get_files() or []),
            }
        )
    return out


STATUS = {
    Libosinfo.ReleaseStatus.RELEASED: "released",
    Libosinfo.ReleaseStatus.PRERELEASE: "prerelease",
    Libosinfo.ReleaseStatus.SNAPSHOT: "snapshot",
    Libosinfo.ReleaseStatus.ROLLING: "rolling",
}

RELATIONS = {
    "derives_from": Libosinfo.ProductRelationship.DERIVES_FROM,
    "clones": Libosinfo.ProductRelationship.CLONES,
    "upgrades": Libosinfo.ProductRelationship.UPGRADES,
}


def media(os_):
    out = []
    for m in entity_list(os_.get_media_list()):
        size = m.get_volume_size()
        out.append(
            {
                "arch": m.get_architecture(),
                "live": bool(m.get_live()),
                "installer": bool(m.get_installer()),
                "installer_reboots": m.get_installer_reboots(),
                "url": m.get_url(),
                "kernel": m.get_kernel_path(),
                "initrd": m.get_initrd_path(),
                "volume_id": m.get_volume_id(),
                "system_id": m.get_system_id(),
                "publisher_id": m.get_publisher_id(),
                "application_id": m.get_application_id(),
                "volume_size": size if size and size > 0 else None,
                "variants": sorted(v.get_id() for v in entity_list(m.get_os_variants())),
            }
        )
    return sorted(out, key=lambda m: json.dumps(m, sort_keys=True))


def trees(os_):
    out = []
    for t in entity_list(os_.get_tree_list()):
        out.append(
            {
                "arch": t.get_architecture(),
                "url": t.get_url(),
                "kernel": t.get_kernel_path(),
                "initrd": t.get_initrd_path(),
                "boot_iso": t.get_boot_iso_path(),
                "family": t.get_treeinfo_family(),
                "version": t.get_treeinfo_version(),
                "treeinfo_arch": t.get_treeinfo_arch(),
                "variant": t.get_treeinfo_variant(),
                "variants": sorted(v.get_id() for v in entity_list(t.get_os_variants())),
            }
        )
    return sorted(out, key=lambda t: json.dumps(t, sort_keys=True))


def dump_os(os_):
    return {
        "id": os_.get_id(),
        "short_ids": list(os_.get_short_id_list() or []),
        "name": os_.get_name(),
        "vendor": os_.get_vendor(),
        "family": os_.get_family(),
        "distro": os_.get_distro(),
        "version": os_.get_version(),
        "codename": os_.get_codename(),
        "release_date": os_.get_release_date_string(),
        "eol_date": os_.get_eol_date_string(),
        "release_status": STATUS.get(os_.get_release_status(), str(os_.get_release_status())),
        "relations": {
            k: sorted(p.get_id() for p in entity_list(os_.get_related(v)))
            for k, v in RELATIONS.items()
        },
        "variants": sorted(
            [v.get_id(), v.get_name()] for v in entity_list(os_.get_variant_list())
        ),
        "media": media(os_),
        "trees": trees(os_),
        "devices": sorted(d.get_id() for d in entity_list(os_.get_all_devices(None))),
        "firmware": firmware(os_.get_complete_firmware_list(None)),
        "firmware_supported": firmware(os_.get_firmware_list(None)),
        "resources": {
            "minimum": resources(os_.get_minimum_resources()),
            "recommended": resources(os_.get_recommended_resources()),
            "maximum": resources(os_.get_maximum_resources()),
            "network-install": resources(os_.get_network_install_resources()),
        },
        "drivers": drivers(os_),
    }


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} <osinfo data dir> <out.json>", file=sys.stderr)
        return 2
    src, out = argv[1], argv[2]
    if not os.path.isdir(os.path.join(src, "os")):
        print(f"{src}: not an osinfo data dir (no os/ inside)", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="osinfo-oracle-") as tmp:
        copy_tree(src, tmp)
        loader = Libosinfo.Loader.new()
        loader.process_path(tmp)
        db = loader.get_db()
        t1 = time.monotonic()
        oses = sorted(entity_list(db.get_os_list()), key=lambda o: o.get_id())
        data = [dump_os(o) for o in oses]
    with open(out, "w") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    t2 = time.monotonic()
    print(
        f"{len(data)} OSes loaded (copy+load {t1 - t0:.2f}s, dump {t2 - t1:.2f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
