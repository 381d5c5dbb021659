#!/usr/bin/env python3
"""Validates KubeVirt objects against the definitions of KubeVirt's OpenAPI
schema (tests/it/ecosystems/kubevirt.json, made by extract.py) with the
jsonschema package, strictly: a field the schema does not define is an
error (as in the API server's strict field validation).

Usage: kubevirt_validate.py SCHEMA.json OBJECTS.json
OBJECTS.json is a list of {"name": ..., "root": definition, "object": ...}.
Prints one line per error; exit status 1 when there is any, 2 when the
jsonschema package is missing.
"""

import copy
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is missing (Debian package python3-jsonschema): run tools/test-setup.sh", file=sys.stderr)
    sys.exit(2)


def strict(node):
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)


def main():
    schema = json.load(open(sys.argv[1]))
    objects = json.load(open(sys.argv[2]))
    defs = copy.deepcopy(schema["definitions"])
    strict(defs)
    errors = 0
    for o in objects:
        s = {"definitions": defs, "$ref": "#/definitions/" + o["root"]}
        v = jsonschema.Draft4Validator(s)
        for e in v.iter_errors(o["object"]):
            errors += 1
            path = "/".join(str(p) for p in e.absolute_path)
            print(f"{o['name']}: {o['root']} at /{path}: {e.message}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
