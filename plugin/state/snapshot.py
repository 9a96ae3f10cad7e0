"""Snapshots: the live state as one `List`, the way `kubectl get -o yaml` prints several kinds, redacted,
and readable back with `--cluster-state` to the very same state.

A List alone cannot say that a kind was read and found empty (no LimitRanges, no webhooks at all), and
`--cluster-state` fills the kinds a file lacks from the embedded default. So the List's metadata names
the kinds it covers, and the kinds that could not be read (with the refusal), in annotations; the reader
takes a covered kind from the snapshot even when it has no object of it, and an unreadable one as unknown.

Redacted: certificate bundles (`caBundle`, any PEM block in a string) and the last-applied-configuration
annotation (a second copy of everything, caBundle included). Secrets are never read.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

    from .live import LiveState

SNAPSHOT_OF = "kubectl-inject.io/snapshot-of"
COVERED_KINDS = "kubectl-inject.io/kinds"
UNKNOWN_KINDS = "kubectl-inject.io/unknown"
REDACTED = "REDACTED"
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.S)
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def snapshot_list(live: LiveState, describe: str, taken: str) -> Dict[str, Any]:
    items = [redact(obj) for obj in live.objects]
    unknown = "; ".join(f"{x['kind']}={x['verb']} {x['resource']}"
                        + (f" in namespace {x['namespace']}" if x.get("namespace") not in (None, "*") else "")
                        for x in live.refusals)
    scope = "all namespaces" if live.namespaces is None else "namespaces " + ", ".join(live.namespaces)
    annotations = {SNAPSHOT_OF: f"{describe}, {scope}, {taken}", COVERED_KINDS: ",".join(live.kinds)}
    if unknown:
        annotations[UNKNOWN_KINDS] = unknown
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"annotations": annotations, "resourceVersion": ""}}


def redact(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "caBundle" and v:
                out[k] = REDACTED
            elif k == "annotations" and isinstance(v, dict) and _LAST_APPLIED in v:
                out[k] = {ak: (REDACTED if ak == _LAST_APPLIED else redact(av)) for ak, av in v.items()}
            else:
                out[k] = redact(v, k)
        return out
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str) and "-----BEGIN " in value:
        return _PEM.sub(lambda m: f"-----BEGIN {m.group(1)}-----\n{REDACTED}\n-----END {m.group(1)}-----", value)
    return value


def declared_kinds(lists: List[Tuple[str, Dict[str, Any]]]) -> Tuple[Dict[str, str], Dict[str, str]]:
    """({kind: file} the snapshots cover, {kind: "unknown: …"} they could not read)."""
    covered: Dict[str, str] = {}
    unknown: Dict[str, str] = {}
    for file, lst in lists:
        annotations = ((lst.get("metadata") or {}).get("annotations")) or {}
        if not isinstance(annotations, dict) or COVERED_KINDS not in annotations and UNKNOWN_KINDS not in annotations:
            continue
        for kind in str(annotations.get(COVERED_KINDS) or "").split(","):
            if kind.strip():
                covered[kind.strip()] = file
        for part in str(annotations.get(UNKNOWN_KINDS) or "").split(";"):
            kind, _, what = part.strip().partition("=")
            if kind:
                unknown[kind] = f"unknown: forbidden to {what} (snapshot {file})"
                covered.setdefault(kind, file)
    return covered, unknown


def taken_now(clock: Optional[Any] = None) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock() if clock else None))
