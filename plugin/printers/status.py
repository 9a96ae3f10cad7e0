"""`status` output: a kubectl-style table (wide adds the expectation) followed by each finding with its fix;
`-o name` as kubectl prints names (`deployment.apps/httpbin`, one per line, for xargs); or the documented
JSON/YAML (`{"items": [{workload, pods, expected, findings}]}`)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence

from .style import clean


def status_data(result) -> Dict[str, Any]:
    data: Dict[str, Any] = {"items": [row.to_dict() for row in result.rows]}
    if result.unknown:
        data["unknown"] = [{k: x.get(k) for k in ("verb", "resource", "namespace", "unknown")} for x in result.unknown]
    return data


#: kubectl's `-o name` prefix per kind: the resource and its API group (core kinds have none)
NAME_PREFIX = {"Deployment": "deployment.apps", "StatefulSet": "statefulset.apps", "DaemonSet": "daemonset.apps",
               "ReplicaSet": "replicaset.apps", "Job": "job.batch", "CronJob": "cronjob.batch",
               "ReplicationController": "replicationcontroller", "Pod": "pod"}


def print_status(result, env, output: str, namespaces: Optional[Sequence[str]], headers: bool = True) -> None:
    if output == "json":
        from .jsonout import dumps

        env.stdout.write(dumps(status_data(result)) + "\n")
        return
    if output == "yaml":
        from .yamltext import dump

        env.stdout.write(dump(status_data(result)))
        return
    if output == "name":
        env.stdout.write("".join(f"{NAME_PREFIX.get(r.workload.kind, r.workload.kind.lower())}/{r.workload.name}\n"
                                 for r in result.rows))
        return
    if not result.rows:
        where = "any namespace" if namespaces is None else f"{namespaces[0]} namespace"
        env.stderr.write(f"No workloads found in {where}.\n")
        return
    wide = output == "wide"
    header = ["NAMESPACE", "WORKLOAD", "PODS", "SIDECARS", "REVISION", "PROXY"]
    if wide:
        header += ["EXPECTED", "EXPECTED-REVISION", "EXPECTED-PROXY", "DECIDED-BY"]
    header.append("FINDINGS")
    table: List[List[str]] = [header]
    for row in result.rows:
        table.append(_cells(row, wide))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["   ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table[0 if headers else 1:]]
    findings = [(row, f) for row in result.rows for f in row.findings]
    if findings:
        lines.append("")
        for row, f in findings:
            w = row.workload
            pods = f" ({', '.join(f['pods'])})" if f["pods"] else ""
            lines.append(f"{f['code']}: {w.namespace}/{w.kind.lower()}/{w.name}{pods}")
            lines.append(f"  {f['detail']}")
            lines.append(f"  fix: {f['fix']}")
            if f.get("docs"):
                lines.append(f"  about {f['code']}: {f['docs']}")
    env.stdout.write(clean("\n".join(lines)) + "\n")


def _cells(row, wide: bool) -> List[str]:
    w = row.workload
    exp = row.expected
    present = sum(1 for p in row.pods if p["sidecar"])
    verdict = exp.get("verdict")
    expected = "?" if verdict == "unknown" else str(len(row.pods) if verdict == "injected" else 0)
    revisions = sorted({p["revision"] for p in row.pods if p["revision"]})
    versions = sorted({_tag(p["proxyImage"]) for p in row.pods if p["proxyImage"]})
    cells = [w.namespace, f"{w.kind.lower()}/{w.name}", str(len(row.pods)), f"{present}/{expected}",
             ",".join(revisions) or "-", ",".join(versions) or "-"]
    if wide:
        cells += [verdict or "-", exp.get("revision") or "-", exp.get("proxyImage") or "-",
                  ((exp.get("decidedBy") or {}).get("rule")) or "-"]
    cells.append(",".join(f["code"] for f in row.findings) or "-")
    return cells


def _tag(image: str) -> str:
    """The version part of an image (`docker.io/istio/proxyv2:1.30.3` → 1.30.3), as istioctl prints versions."""
    tail = image.rsplit("/", 1)[-1]
    if "@" in tail:
        return tail.split("@", 1)[1][:19]
    return tail.split(":", 1)[1] if ":" in tail else tail
