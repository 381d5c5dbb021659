"""cockpit-machines' OS list from guestdb, without GObject.

cockpit-machines runs a helper script (getOSList.py) that loads libosinfo
through GObject introspection and prints every OS as JSON for its "Create
VM" dialog; when that chain breaks, the dialog's OS list is empty. This
module prints the same JSON from guestdb's database:

    python3 -m guestdb.cockpit > oses.json

    >>> from guestdb.cockpit import os_list
    >>> rhel = next(o for o in os_list() if o["shortId"] == "rhel6.10")
    >>> rhel["name"], rhel["family"], rhel["releaseDate"]
    ('Red Hat Enterprise Linux 6.10', 'linux', '2018-06-19')

Each entry has the keys the script prints: id, shortId, name, version,
family, vendor, releaseDate, eolDate, codename, recommendedResources and
minimumResources (ram and storage in bytes, of the first entry of each
kind, as libosinfo lists them), profiles and unattendedInstallable (guestdb
has no install scripts: none, False), medias (by libosinfo's media ids,
OS id and index) and treeInstallable.
"""

import json
import sys

import guestdb


def _amounts(resources, kind):
    for r in resources:
        if r["kind"] == kind:
            return {k: r[k] for k in ("ram", "storage") if k in r}
    return {}


def _tree_installable(tree):
    has_treeinfo = any(k in tree for k in ("treeinfo_family", "treeinfo_version", "treeinfo_arch", "treeinfo_variant"))
    return bool(tree.get("url")) and (has_treeinfo or bool(tree.get("kernel") and tree.get("initrd")))


def os_entry(os):
    """One OS as getOSList.py prints it."""
    j = os.to_json()
    return {
        "id": j["id"],
        "shortId": os.short_id,
        "name": j["name"],
        "version": j["version"] or "",
        "family": j["family"] or "",
        "vendor": j["vendor"] or "",
        "releaseDate": j["release_date"] or "",
        "eolDate": j["eol_date"] or "",
        "codename": j["codename"] or "",
        "recommendedResources": _amounts(j["resources"], "recommended"),
        "minimumResources": _amounts(j["resources"], "minimum"),
        "profiles": [],
        "unattendedInstallable": False,
        "medias": {f"{j['id']}:{i}": {"unattendedInstallable": False, "profiles": []} for i in range(len(j["media"]))},
        "treeInstallable": any(_tree_installable(t) for t in j["trees"]),
    }


def os_list(db=None):
    """Every OS of the database (default: the embedded one) as
    getOSList.py prints them."""
    db = db or guestdb.open()
    return [os_entry(os) for os in db.list()]


def main():
    json.dump(os_list(), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
