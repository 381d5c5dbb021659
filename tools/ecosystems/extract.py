#!/usr/bin/env python3
"""Extracts from the consumers' own sources what tests/it/ecosystems.rs
checks guestdb's kubevirt, openstack and proxmox outputs against, into
tests/it/ecosystems/*.json (generated files; each records the repository
and commit it was read from).

Usage: tools/ecosystems/extract.py [--kubevirt GIT] [--nova GIT]
           [--qemu-server GIT] [--govmomi GIT]
           [--common-instancetypes GIT] [--glance GIT]
           [--ovirt-engine GIT] [--virtualbox GIT] [--out DIR]

Each GIT is a git directory (a clone, or a bare mirror) of
kubevirt/kubevirt, openstack/nova, proxmox/qemu-server, vmware/govmomi,
kubevirt/common-instancetypes, openstack/glance, oVirt/ovirt-engine or a copy of VirtualBox's sources
(VirtualBox/virtualbox itself, or a mirror such as kaisenlinux/virtualbox); the files are read at its HEAD with `git
show` (common-instancetypes' preferences are built from their kustomize
tree with `kubectl kustomize`, as its Makefile does), and only the fixtures of
the repositories given are written. Nothing is copied whole: the KubeVirt
schema keeps only the definitions the two objects guestdb writes reach, Nova
only its image property names with their enum values, Proxmox only the
configuration keys with their types, enums, patterns and property-string
formats.
"""

import ast
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perl_literal  # noqa: E402


def git(gitdir, *args):
    return subprocess.check_output(["git", "--git-dir", gitdir, *args], text=True)


def source(gitdir, repo, files):
    return {
        "repository": repo,
        "commit": git(gitdir, "rev-parse", "HEAD").strip(),
        "files": files,
        "generated_by": "tools/ecosystems/extract.py",
    }


# --- KubeVirt -------------------------------------------------------------

def kubevirt(gitdir):
    swagger_path = "api/openapi-spec/swagger.json"
    spec = json.loads(git(gitdir, "show", "HEAD:" + swagger_path))
    defs = spec["definitions"]
    roots = ["v1beta1.VirtualMachineClusterPreference", "v1.VirtualMachine"]
    keep = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = defs[name]
        for ref in re.findall(r'"\$ref": "#/definitions/([^"]+)"', json.dumps(defs[name])):
            todo.append(ref)
    # Go constants of the core API (`Name Type = "value"` or `Name = "value"`).
    consts = {}
    core = "staging/src/kubevirt.io/api/core/v1/"
    texts = [
        git(gitdir, "show", "HEAD:" + f)
        for f in git(gitdir, "ls-tree", "--name-only", "HEAD", core).split()
        if f.endswith(".go") and not f.endswith("_test.go")
    ]
    for text in texts:
        for m in re.finditer(r'^\s*(\w+)\s+(?:\w+\s+)?=\s+"([^"]*)"', text, re.M):
            consts[m.group(1)] = m.group(2)
    for text in texts:
        for m in re.finditer(r"^\s*(\w+)\s+\w+\s+=\s+(\w+)\s*$", text, re.M):
            if m.group(2) in consts:
                consts[m.group(1)] = consts[m.group(2)]

    def resolve(tok):
        tok = tok.strip()
        if tok.startswith('"'):
            return tok.strip('"')
        return consts.get(tok.split(".")[-1])

    files = [swagger_path]
    values = {}
    # Interface models: pkg/network/admitter/netiface.go validInterfaceModels.
    f = "pkg/network/admitter/netiface.go"
    text = git(gitdir, "show", "HEAD:" + f)
    body = re.search(r"validInterfaceModels = map\[string\]struct\{\}\{(.*?)\n\}", text, re.S).group(1)
    values["interfaceModel"] = sorted(resolve(k) for k in re.findall(r"^\s*([^:\n]+):\s*\{\}", body, re.M))
    files.append(f)
    # Video types on amd64: pkg/virt-api/webhooks/amd64.go validTypes.
    f = "pkg/virt-api/webhooks/amd64.go"
    text = git(gitdir, "show", "HEAD:" + f)
    values["videoType"] = re.findall(r'"([^"]+)"', re.search(r"validTypes := \[\]string\{([^}]*)\}", text).group(1))
    files.append(f)
    # Disk buses: pkg/storage/admitters/disks.go supportedBuses.
    f = "pkg/storage/admitters/disks.go"
    text = git(gitdir, "show", "HEAD:" + f)
    values["diskBus"] = [resolve(t) for t in re.search(r"supportedBuses := \[\]v1\.DiskBus\{([^}]*)\}", text).group(1).split(",") if t.strip()]
    files.append(f)
    # Input bus and type, sound models: the VMI create admitter.
    f = "pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go"
    text = git(gitdir, "show", "HEAD:" + f)
    m = re.search(r"if input\.Bus != ([\w.]+) && input\.Bus != ([\w.]+) && input\.Bus != \"\"", text)
    values["inputBus"] = [resolve(m.group(1)), resolve(m.group(2))]
    values["inputType"] = [resolve(re.search(r"if input\.Type != ([\w.]+) \{", text).group(1))]
    m = re.search(r'if model != "" && model != "([^"]+)" && model != "([^"]+)"', text)
    values["soundModel"] = [m.group(1), m.group(2)]
    files.append(f)
    # Tick policies: the *TickPolicy constants.
    for timer in ("RTC", "PIT", "HPET"):
        values[timer.lower() + "TickPolicy"] = sorted(
            v for k, v in consts.items() if k.startswith(timer + "TickPolicy") and k != timer + "TickPolicy"
        )
    files.append(core + "*.go (constants)")
    # The machine types a cluster runs by default (virt-config.go).
    f = "pkg/virt-config/virt-config.go"
    text = git(gitdir, "show", "HEAD:" + f)
    values["amd64EmulatedMachines"] = re.search(r'DefaultAMD64EmulatedMachines\s*=\s*"([^"]*)"', text).group(1).split(",")
    files.append(f)
    return {
        "source": source(gitdir, "kubevirt/kubevirt", files),
        "roots": roots,
        "definitions": keep,
        "values": values,
    }


# --- Nova -------------------------------------------------------------------

def nova(gitdir):
    fields_py = git(gitdir, "show", "HEAD:nova/objects/fields.py")
    meta_py = git(gitdir, "show", "HEAD:nova/objects/image_meta.py")
    tree = ast.parse(fields_py)
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    files = ["nova/objects/fields.py", "nova/objects/image_meta.py"]
    # Modules fields.py imports (`from nova.network import model as
    # network_model`): their top-level constants, read when a value names one.
    modules = {}
    for st in tree.body:
        if isinstance(st, ast.ImportFrom) and (st.module or "").startswith("nova"):
            for alias in st.names:
                path = (st.module + "." + alias.name).replace(".", "/") + ".py"
                modules[alias.asname or alias.name] = path

    def module_env(name):
        path = modules[name]
        if path not in files:
            files.append(path)
        env = {}
        for st in ast.parse(git(gitdir, "show", "HEAD:" + path)).body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                env[st.targets[0].id] = st.value
        return env

    def attrs(cls):
        env = {}
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                env.update(attrs(classes[base.id]))
        for st in cls.body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                env[st.targets[0].id] = st.value
        return env

    def evaluate(node, env):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and node.id in env:
            return evaluate(env[node.id], env)
        if isinstance(node, (ast.Tuple, ast.List)):
            return [evaluate(e, env) for e in node.elts]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return evaluate(node.left, env) + evaluate(node.right, env)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in classes:
            return evaluate(ast.Name(node.attr), attrs(classes[node.value.id]))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            return evaluate(ast.Name(node.attr), module_env(node.value.id))
        raise ValueError(ast.dump(node))

    def enum_values(name):
        env = attrs(classes[name])
        return evaluate(env["ALL"], env) if "ALL" in env else None

    def field_enum(field):
        cls = classes.get(field)
        if cls is None:
            return None
        env = attrs(cls)
        auto = env.get("AUTO_TYPE")
        if isinstance(auto, ast.Call) and isinstance(auto.func, ast.Name) and auto.func.id in classes:
            try:
                return enum_values(auto.func.id)
            except ValueError:
                # Values defined in another module (the architectures): not read.
                return "unresolved"
        return None

    mtree = ast.parse(meta_py)
    props = {}
    for node in ast.walk(mtree):
        if isinstance(node, ast.ClassDef) and node.name == "ImageMetaProps":
            for st in node.body:
                if isinstance(st, ast.Assign) and getattr(st.targets[0], "id", None) == "fields":
                    for k, v in zip(st.value.keys, st.value.values):
                        field = v.func.attr if isinstance(v.func, ast.Attribute) else v.func.id
                        props[k.value] = {"field": field, "enum": field_enum(field)}
    return {
        "source": source(gitdir, "openstack/nova", files),
        "properties": props,
    }


# --- Proxmox ----------------------------------------------------------------

KEEP = ("type", "enum", "pattern", "minimum", "maximum", "maxLength", "default_key", "alias", "keyAlias")


def slim(desc, formats):
    """A key's schema: its checks, and the sub-keys of a property-string format."""
    if not isinstance(desc, dict):
        return {"unevaluated": True}
    out = {k: desc[k] for k in KEEP if k in desc and not isinstance(desc[k], perl_literal.Expr)}
    fmt = desc.get("format")
    if isinstance(fmt, str) and isinstance(formats.get(fmt), dict):
        fmt = formats[fmt]
    if isinstance(fmt, dict) and not isinstance(fmt, perl_literal.Expr):
        out["format"] = {k: slim(v, formats) for k, v in fmt.items()}
    elif isinstance(fmt, str):
        out["format_name"] = fmt
    return out


def proxmox(gitdir):
    files = ["src/PVE/QemuServer.pm"] + [
        f for f in git(gitdir, "ls-tree", "--name-only", "HEAD", "src/PVE/QemuServer/").split() if f.endswith(".pm")
    ]
    # The modules first, so QemuServer.pm's references to them resolve.
    files = files[1:] + files[:1]
    r = perl_literal.Reader()
    for f in files:
        r.read(git(gitdir, "show", "HEAD:" + f))
    conf = r.env["confdesc"]
    keys = {k: slim(v, r.formats) for k, v in conf.items()}
    env = r.env
    # Keys qemu-server adds in loops (Drive.pm's drivedesc_hash, QemuServer.pm's netN).
    families = {
        "ide": ("MAX_IDE_DISKS", "idedesc"),
        "sata": ("MAX_SATA_DISKS", "satadesc"),
        "scsi": ("MAX_SCSI_DISKS", "scsidesc"),
        "virtio": ("MAX_VIRTIO_DISKS", "virtiodesc"),
        "net": ("MAX_NETS", "netdesc"),
    }
    numbered = {p: {"count": env[n], "schema": slim(env[d], r.formats)} for p, (n, d) in families.items()}
    keys["efidisk0"] = slim(env["efidisk_desc"], r.formats)
    keys["tpmstate0"] = slim(env["tpmstate_desc"], r.formats)
    models = None
    for v in env.values():
        if isinstance(v, dict) and isinstance(v.get("x86_64"), dict) and "x86-64-v2-AES" in v["x86_64"]:
            models = sorted(v["x86_64"])
    vendor = None
    for v in env.values():
        if isinstance(v, dict) and isinstance(v.get("x86_64"), dict) and "Skylake-Client" in v["x86_64"]:
            vendor = sorted(v["x86_64"])
        elif isinstance(v, dict) and "Skylake-Client" in v:
            vendor = sorted(v)
    return {
        "source": source(gitdir, "proxmox/qemu-server", files),
        "keys": keys,
        "numbered": numbered,
        "cpu_models": sorted(set((models or []) + (vendor or []) + ["host", "max"])),
    }


# --- govmomi -----------------------------------------------------------------

def govmomi(gitdir):
    f = "vim25/types/enum.go"
    text = git(gitdir, "show", "HEAD:" + f)
    ids = re.findall(r'VirtualMachineGuestOsIdentifier\("([^"]+)"\)', text)
    # Each constant's doc comment (the lines of `//` right above it) says
    # what the id stands for, with its width where VMware states one
    # ("Red Hat Enterprise Linux 6 (64 bit)").
    described = {}
    for m in re.finditer(
        r'((?:^[ \t]*//[^\n]*\n)*)^[ \t]*\w+\s*=\s*VirtualMachineGuestOsIdentifier\("([^"]+)"\)', text, re.M
    ):
        lines = [line.strip()[2:].strip() for line in m.group(1).splitlines()]
        described[m.group(2)] = " ".join(line for line in lines if line)
    if set(described) != set(ids):
        sys.exit(f"{f}: guest ids without a doc comment read: {sorted(set(ids) - set(described))}")
    return {
        "source": source(gitdir, "vmware/govmomi", [f]),
        "guest_ids": sorted(set(ids)),
        "descriptions": described,
    }


# --- KubeVirt common-instancetypes ----------------------------------------------

def common_instancetypes(gitdir):
    import shutil
    import tempfile

    import yaml

    kubectl = shutil.which("kubectl")
    if not kubectl:
        sys.exit("kubectl is needed to build common-instancetypes' preferences (kubectl kustomize)")
    with tempfile.TemporaryDirectory() as tmp:
        tar = subprocess.run(["git", "--git-dir", gitdir, "archive", "HEAD", "preferences"],
                             check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=tar, check=True)
        built = subprocess.check_output([kubectl, "kustomize", os.path.join(tmp, "preferences")], text=True)
    prefs = {}
    for doc in yaml.safe_load_all(built):
        if not doc or doc.get("kind") != "VirtualMachineClusterPreference":
            continue
        meta = doc["metadata"]
        prefs[meta["name"]] = {
            "display_name": meta.get("annotations", {}).get("openshift.io/display-name"),
            "os_type": meta.get("labels", {}).get("instancetype.kubevirt.io/os-type"),
            "spec": doc.get("spec", {}),
        }
    return {
        "source": source(gitdir, "kubevirt/common-instancetypes", ["preferences/ (kubectl kustomize)"]),
        "preferences": prefs,
    }


# --- Glance -------------------------------------------------------------------

def glance(gitdir):
    # The recognized os_distro values: the bullet list of the property in
    # Glance's admin guide ("* ``value`` - Description. Do not use ...").
    f = "doc/source/admin/useful-image-properties.rst"
    text = git(gitdir, "show", "HEAD:" + f)
    section = re.search(r"^``os_distro``\n(.*?)^``", text, re.M | re.S).group(1)
    values = {}
    for m in re.finditer(r"^  \* ``([^`]+)`` - (.*?)(?=^  \* |\Z)", section, re.M | re.S):
        described = " ".join(m.group(2).split())
        values[m.group(1)] = described.split(". Do not use")[0].rstrip(".")
    if not values:
        sys.exit(f"{f}: no os_distro values found")
    return {
        "source": source(gitdir, "openstack/glance", [f]),
        "os_distro": values,
    }


# --- oVirt -------------------------------------------------------------------

def ovirt(gitdir):
    # The OS names of oVirt engine's defaults (`os.NAME.id.value = N`),
    # with the display name and the OS each derives from.
    f = "packaging/conf/osinfo-defaults.properties"
    text = git(gitdir, "show", "HEAD:" + f)
    props = dict(re.findall(r"^(os\.\w+\.[\w.]+?)\.value\s*=\s*(.*?)\s*$", text, re.M))

    def inherited(name, key):
        # A key an OS does not set is its derivedFrom's (the file's header:
        # 'inherit all its values except id').
        seen = set()
        while name and name not in seen:
            seen.add(name)
            if f"os.{name}.{key}" in props:
                return props[f"os.{name}.{key}"]
            name = props.get(f"os.{name}.derivedFrom")
        return None

    names = {}
    for key, value in props.items():
        m = re.fullmatch(r"os\.(\w+)\.id", key)
        if m:
            name = m.group(1)
            names[name] = {
                "id": int(value),
                "display_name": props.get(f"os.{name}.name"),
                "derived_from": props.get(f"os.{name}.derivedFrom"),
                # The CPU architecture (x86_64, ppc64, s390x) and, as the
                # file's comment puts it, apart from it the bus width (32/64):
                # both as set or inherited.
                "cpu_architecture": inherited(name, "cpuArchitecture"),
                "bus": inherited(name, "bus"),
            }
    if not names:
        sys.exit(f"{f}: no OS ids found")
    return {
        "source": source(gitdir, "oVirt/ovirt-engine", [f]),
        "os_names": names,
    }


# --- VirtualBox --------------------------------------------------------------

def virtualbox(gitdir):
    # The guest OS type ids of Global::sOSTypes: an entry names its id with
    # GUEST_OS_ID_STR_X86/X64/A64("Id") (VirtualBox.xidl: X64 adds "_64",
    # A64 "_arm64"), or, for Linux, with a VBOX_LINUX_SUBTYPE_*_X86/X64/A64
    # macro whose second argument is the id; the description follows.
    f = "src/VBox/Main/src-all/Global.cpp"
    text = git(gitdir, "show", "HEAD:" + f)
    suffix = {"X86": "", "X64": "_64", "A64": "_arm64"}
    types = {}
    for m in re.finditer(r'GUEST_OS_ID_STR_(X86|X64|A64)\("(\w+)"\),\s*"([^"]*)"', text):
        types[m.group(2) + suffix[m.group(1)]] = m.group(3)
    for m in re.finditer(r'^\s*VBOX_LINUX_SUBTYPE_\w+?_(X86|X64|A64)\(\s*"[^"]*",\s*(\w+),\s*"([^"]*)"', text, re.M):
        types[m.group(2) + suffix[m.group(1)]] = m.group(3)
    version = git(gitdir, "show", "HEAD:Version.kmk")
    release = ".".join(
        re.search(r"^VBOX_VERSION_%s\s*=\s*(\d+)" % part, version, re.M).group(1)
        for part in ("MAJOR", "MINOR", "BUILD")
    )
    # The repository: the owner/name of a mirror fetched as
    # .../owner+name/repo, else the directory given.
    where = os.path.abspath(gitdir).rstrip("/")
    parent = os.path.basename(os.path.dirname(where))
    repo = parent.replace("+", "/", 1) if "+" in parent else where
    return {
        "source": dict(source(gitdir, repo, [f, "Version.kmk"]), virtualbox_release=release),
        "os_types": types,
    }


def main():
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kubevirt")
    ap.add_argument("--nova")
    ap.add_argument("--qemu-server")
    ap.add_argument("--govmomi")
    ap.add_argument("--common-instancetypes")
    ap.add_argument("--glance")
    ap.add_argument("--ovirt-engine")
    ap.add_argument("--virtualbox")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../tests/it/ecosystems"))
    a = ap.parse_args()
    jobs = [
        (name, fn, getattr(a, arg))
        for name, fn, arg in (
            ("kubevirt", kubevirt, "kubevirt"),
            ("nova", nova, "nova"),
            ("proxmox", proxmox, "qemu_server"),
            ("vmware", govmomi, "govmomi"),
            ("kubevirt-preferences", common_instancetypes, "common_instancetypes"),
            ("glance", glance, "glance"),
            ("ovirt", ovirt, "ovirt_engine"),
            ("virtualbox", virtualbox, "virtualbox"),
        )
        if getattr(a, arg)
    ]
    if not jobs:
        sys.exit(__doc__)
    out = a.out
    os.makedirs(out, exist_ok=True)
    for name, data in ((name, fn(gitdir)) for name, fn, gitdir in jobs):
        path = os.path.join(out, name + ".json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True, default=lambda o: None)
            f.write("\n")
        os.replace(tmp, path)
        print(path)


if __name__ == "__main__":
    main()
