"""Regenerate simulator/istio/proto_schema.py from the protobuf descriptors of istio.io/api.

The table is derived by reflection (tests/istio/protoschema, a small Go program), never written by hand, so
field names, JSON names, declaration order, oneofs and enum values are exactly those of the real
MeshConfig/ProxyConfig.  istio.io/api gains fields from one Istio line to the next, and an older istioctl
drops what a newer one keeps, so there is one table per istio.io/api version: the Go program is run once
per module file in tests/istio/protoschema (`go.mod`: the version Istio 1.30.3 uses, which also serves the
older lines; `go_1_31.mod`: v1.31.1, which the master-snapshot oracle is built with).  Usage (from the
repository root):

    python tests/istio/gen_proto_schema.py               # rewrite every table
    python tests/istio/gen_proto_schema.py --api 1.31    # only simulator/istio/proto_schema_1_31.py
    python tests/istio/gen_proto_schema.py --check       # exit 1 when a table is stale
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIM = HERE.parent.parent / "simulator" / "istio"
# table name -> (module file in tests/istio/protoschema, generated module)
TABLES = {
    "base": ("go.mod", SIM / "proto_schema.py"),
    "1.31": ("go_1_31.mod", SIM / "proto_schema_1_31.py"),
}

HEADER = '''"""Protobuf descriptors of Istio's MeshConfig and ProxyConfig (istio.io/api {api}), generated.

Do not edit: regenerate with `python tests/istio/gen_proto_schema.py` (reflection over the Go types,
module file tests/istio/protoschema/{modfile}).

MESSAGES maps a message's full name to its fields in declaration order (the order jsonpb writes them):
(proto name, JSON name, Go field name, kind, type, cardinality, oneof) where kind is the protobuf kind
("string", "int32", "uint32", "bool", "enum", "message", ...; for maps the kind of the value), type the full
name of the message/enum (or None), cardinality "" (singular), "list", or "map:<key kind>", and oneof the
name of the containing oneof (or None).  Well-known google.protobuf types are not listed.
ENUMS maps an enum's full name to its (name, number) values.
"""

'''


def _api_version(modfile):
    for line in (HERE / "protoschema" / modfile).read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == "istio.io/api":
            return parts[1]
    return "?"


def render(schema, modfile="go.mod"):
    out = [HEADER.format(api=_api_version(modfile), modfile=modfile), "MESSAGES = {\n"]
    for name in sorted(schema["messages"]):
        out.append("    %r: (\n" % name)
        for f in schema["messages"][name]["fields"]:
            if f["kind"] == "map":
                v = f["mapValue"]
                row = (f["name"], f["json"], f["go"], v["kind"], v.get("type"), "map:" + f["mapKey"], f.get("oneof"))
            else:
                row = (f["name"], f["json"], f["go"], f["kind"], f.get("type"), "list" if f.get("list") else "",
                       f.get("oneof"))
            out.append("        %r,\n" % (row,))
        out.append("    ),\n")
    out.append("}\n\nENUMS = {\n")
    for name in sorted(schema["enums"]):
        vals = tuple((v["name"], v["number"]) for v in schema["enums"][name])
        out.append("    %r: %r,\n" % (name, vals))
    out.append("}\n")
    return "".join(out)


def generate(modfile):
    cmd = ["go", "run", "-modfile=" + modfile, "."]
    proc = subprocess.run(cmd, cwd=HERE / "protoschema", capture_output=True, text=True, check=True)
    return render(json.loads(proc.stdout), modfile)


def main(argv):
    names = list(TABLES)
    if "--api" in argv:
        names = [argv[argv.index("--api") + 1]]
    stale = 0
    for name in names:
        modfile, target = TABLES[name]
        text = generate(modfile)
        if "--check" in argv:
            if target.read_text() != text:
                print("%s is stale; run python tests/istio/gen_proto_schema.py" % target)
                stale = 1
            continue
        target.write_text(text)
    return stale


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
