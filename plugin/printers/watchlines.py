"""`kubectl inject watch`'s lines: one per record, written as it happens (json: one object per line, as
`kubectl get -w -o json` streams; text: a line a person can follow, as the seed blog's injector log)."""
from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict


def json_line(record: Dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"


def text_line(record: Dict[str, Any]) -> str:
    """TIME  EVENT  NAMESPACE/NAME  VERDICT (RULE)  agrees|DISAGREES|unknown: DETAIL"""
    obj = record.get("object") or {}
    when = (record.get("time") or "")[11:19] or "--:--:--"
    if record["event"] == "pod-created":
        what = f"{obj.get('namespace', '')}/{obj.get('name', '')}"
    else:
        what = f"{obj.get('namespace', '')}/{str(obj.get('kind', '')).lower()}/{obj.get('name', '')}"
    rule = (record.get("decidedBy") or {}).get("rule")
    verdict = record.get("verdict") or "unknown"
    predicted = f"{verdict} ({rule})" if rule else verdict
    agrees = {True: "agrees", False: "DISAGREES", None: "unknown"}[record.get("agrees")]
    return f"{when}  {record['event']:<13}  {what}  {predicted}  {agrees}: {record.get('detail', '')}\n"
