"""The istio.io/api descriptor table each Istio line decodes MeshConfig/ProxyConfig with.

istio.io/api grows from one line to the next (v1.31 added ProxyConfig.connectionSettings and the mesh's
zoneAwareLbSetting, defaultTrafficPolicy and serviceEntryVisibility).  jsonpb drops fields its Go types do
not know, so the same YAML gives a different ProxyConfig, PROXY_CONFIG env var and validation outcome on
each line: a message therefore carries the table it was decoded with, and everything derived from it
(nested messages, enums, clones) stays on that table.
"""

DURATION = "google.protobuf.Duration"
STRUCT = "google.protobuf.Struct"
WRAPPERS = {
    "google.protobuf.BoolValue": "bool", "google.protobuf.Int32Value": "int32",
    "google.protobuf.Int64Value": "int64", "google.protobuf.UInt32Value": "uint32",
    "google.protobuf.UInt64Value": "uint64", "google.protobuf.StringValue": "string",
    "google.protobuf.DoubleValue": "double", "google.protobuf.FloatValue": "float",
}


def go_type_of(full):
    """protoc-gen-go's Go type name (package-qualified as %T prints it) of a message or enum."""
    if full == DURATION:
        return "durationpb.Duration"
    if full in WRAPPERS:
        return "wrapperspb." + full.rsplit(".", 1)[1]
    if full == STRUCT:
        return "structpb.Struct"
    parts = full.split(".")
    # package = the lower-case leading components; the last of them is the Go package name.
    i = 0
    while i < len(parts) and parts[i][:1].islower():
        i += 1
    return parts[i - 1] + "." + "_".join(parts[i:])


class Field:
    __slots__ = ("name", "json", "go", "kind", "type", "card", "oneof", "key_kind", "schema")

    def __init__(self, row, schema):
        self.name, self.json, self.go, self.kind, self.type, card, self.oneof = row
        self.card = "map" if card.startswith("map:") else card
        self.key_kind = card[4:] if self.card == "map" else None
        self.schema = schema

    @property
    def is_message(self):
        return self.kind == "message"


class Desc:
    __slots__ = ("full", "go_type", "fields", "by_key", "by_go", "oneofs", "getters", "schema")

    def __init__(self, full, schema):
        self.full = full
        self.schema = schema
        self.go_type = go_type_of(full)
        self.fields = [Field(r, schema) for r in schema.messages[full]]
        self.by_key = {}
        for f in self.fields:
            self.by_key.setdefault(f.name, f)
        for f in self.fields:
            self.by_key[f.json] = f
        self.by_go = {f.go: f for f in self.fields if not f.oneof}
        self.oneofs = {}
        for f in self.fields:
            if f.oneof:
                self.oneofs.setdefault(f.oneof, []).append(f)
        self.getters = {"Get" + f.go: f for f in self.fields}


class Schema:
    """One generated table (MESSAGES, ENUMS) with its descriptors built on first use."""

    def __init__(self, name, messages, enums):
        self.name = name
        self.messages = messages
        self.enums = enums
        self._descs = {}

    def descriptor(self, full):
        d = self._descs.get(full)
        if d is None:
            if full not in self.messages:
                raise KeyError("no descriptor for message %s" % full)
            d = self._descs[full] = Desc(full, self)
        return d

    def enum_name(self, type_, number):
        for n, v in self.enums[type_]:
            if v == number:
                return n
        return None

    def __repr__(self):
        return "Schema(%s)" % self.name


def _base():
    from . import proto_schema

    return Schema("istio.io/api 1.30", proto_schema.MESSAGES, proto_schema.ENUMS)


BASE = _base()
_later = {}


def schema_for(release=None):
    """The table of `release` (a release.Release, or None for the default line)."""
    if release is None or not release.at_least(1, 31):
        return BASE
    s = _later.get("1.31")
    if s is None:
        from . import proto_schema_1_31

        s = _later["1.31"] = Schema("istio.io/api 1.31", *apply_delta(BASE.messages, BASE.enums, proto_schema_1_31))
    return s


def apply_delta(messages, enums, delta):
    """(MESSAGES, ENUMS) of a later istio.io/api, from the base table and the generated delta module over it
    (format: proto_schema_1_31.py's docstring).  Names come out sorted, as in a whole generated table."""
    removed = set(delta.MESSAGES_REMOVED)
    out_messages = {}
    for name in sorted(set(messages).union(delta.MESSAGES_ADDED)):
        if name in removed:
            continue
        rows = delta.MESSAGES_ADDED.get(name)
        if rows is None:
            rows = messages[name]
            edits = delta.MESSAGES_EDITED.get(name)
            if edits:
                edited, pos = [], 0
                for start, end, new in edits:
                    edited.extend(rows[pos:start])
                    edited.extend(new)
                    pos = end
                edited.extend(rows[pos:])
                rows = tuple(edited)
        out_messages[name] = rows
    kept = {name: vals for name, vals in enums.items() if name not in delta.ENUMS_REMOVED}
    kept.update(delta.ENUMS_SET)
    return out_messages, {name: kept[name] for name in sorted(kept)}
