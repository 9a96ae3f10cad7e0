"""Regenerate simulator/istio/proto_schema.py from the protobuf descriptors of istio.io/api.

The table is derived by reflection (tests/istio/protoschema, a small Go program pinned to the istio.io/api
version Istio 1.30.3 uses), never written by hand, so field names, JSON names, declaration order, oneofs and
enum values are exactly those of the real MeshConfig/ProxyConfig.  Usage (from the repository root):

    python tests/istio/gen_proto_schema.py          # rewrite simulator/istio/proto_schema.py
    python tests/istio/gen_proto_schema.py --check  # exit 1 when the file is stale
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent.parent / "simulator" / "istio" / "proto_schema.py"

HEADER = '''"""Protobuf descriptors of Istio's MeshConfig and ProxyConfig (istio.io/api {api}), generated.

Do not edit: regenerate with `python tests/istio/gen_proto_schema.py` (reflection over the Go types).

MESSAGES maps a message's full name to its fields in declaration order (the order jsonpb writes them):
(proto name, JSON name, Go field name, kind, type, cardinality, oneof) where kind is the protobuf kind
("string", "int32", "uint32", "bool", "enum", "message", ...; for maps the kind of the value), type the full
name of the message/enum (or None), cardinality "" (singular), "list", or "map:<key kind>", and oneof the
name of the containing oneof (or None).  Well-known google.protobuf types are not listed.
ENUMS maps an enum's full name to its (name, number) values.
"""

'''


def _api_version():
    for line in (HERE / "protoschema" / "go.mod").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == "istio.io/api":
            return parts[1]
    return "?"


def render(schema):
    out = [HEADER.format(api=_api_version()), "MESSAGES = {\n"]
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


def main(argv):
    proc = subprocess.run(["go", "run", "."], cwd=HERE / "protoschema", capture_output=True, text=True, check=True)
    text = render(json.loads(proc.stdout))
    if "--check" in argv:
        if TARGET.read_text() != text:
            print("%s is stale; run python tests/istio/gen_proto_schema.py" % TARGET)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
