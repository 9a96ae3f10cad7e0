"""Istio's protobuf messages (MeshConfig, ProxyConfig, ...) as templates and Go code see them.

Istio hands its templates `*meshconfig.ProxyConfig` and `*meshconfig.MeshConfig`, so a template reads them
with protoc-gen-go's Go names (`.ProxyConfig.ProxyMetadata`), calls nil-safe getters (`GetTracing`), enum
`String`, and wrapper `GetValue`; and Istio reads/writes them with the legacy golang/protobuf `jsonpb`
(unknown fields tolerated, a present field replaces the whole field, declaration-order output with zero
values left out).  Everything here is driven by a generated descriptor table (proto_schemas.py picks the
one of the Istio line; a message keeps the table it was made with).

Python representation of a message's set fields (keyed by proto field name): scalars as str/int/float/
bool/bytes, enums as int, messages as Message / Duration / Wrapper, google.protobuf.Struct as a plain JSON
dict, repeated fields as lists and maps as dicts.  Proto3 implicit presence: a scalar equal to its zero
value is simply not stored (except inside a oneof, where presence is explicit).

The parts: message.py (the values templates see), decode.py (jsonpb in), encode.py (jsonpb out).
"""
