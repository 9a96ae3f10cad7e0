"""Findings: what runs, compared with what a pod created now would get (the full prediction: webhook
selection, policy, templates), each naming its pods and the command that fixes it.

- needs-restart: no sidecar, but a new pod would get one (injection happens only at creation);
- sidecar-not-expected: a sidecar, but a new pod would get none (label removed, opt-out added);
- stale-proxy: the proxy image differs from the one the injector injects now (after an upgrade);
- revision-mismatch: injected by another revision than the one that would inject a new pod;
- no-sidecar-strict-mtls: no sidecar while STRICT mutual TLS is in force (for the pod itself, or for
  workloads it may call): plain-text requests to STRICT workloads are refused ("connection reset by peer");
- injection-failing: the controller's FailedCreate events name an injector webhook (e.g. istiod down under
  failurePolicy Fail): no pod is created at all.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional

    from .mtls import PeerAuthentications
    from .owners import Workload

from ..printers.docs import FINDINGS as DOCS
from .pods import pod_facts, proxy_image_of

INJECTOR_SUFFIX = "sidecar-injector.istio.io"
#: Namespaces Istio never injects (pkg/kube/inject: IgnoredNamespaces): no mTLS finding for their pods.
IGNORED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "local-path-storage")
UNKNOWN = {"verdict": "unknown", "decidedBy": None, "revision": None, "proxyImage": None}


def expected_of(explanation, decided_by: Dict[str, Any]) -> Dict[str, Any]:
    """What a pod created now from the workload's template gets: verdict, the deciding rule (as explain
    prints it), and for an injection its revision and proxy image."""
    verdict = explanation.verdict.value
    injected = verdict == "injected"
    detail = explanation.decided_by.detail or {}
    return {"verdict": verdict, "decidedBy": decided_by,
            "revision": (detail.get("revision") or None) if injected else None,
            "proxyImage": proxy_image_of(explanation.pod) if injected else None}


#: How each kind of workload gets new pods (pods are injected only when they are created).
_RESTART = {
    "Deployment": "kubectl rollout restart deployment/{name} -n {ns}",
    "StatefulSet": "kubectl rollout restart statefulset/{name} -n {ns}",
    "DaemonSet": "kubectl rollout restart daemonset/{name} -n {ns}",
    "Pod": "kubectl get pod {name} -n {ns} -o yaml | kubectl replace --force -f -",
    "CronJob": "kubectl create job --from=cronjob/{name} {name}-now -n {ns}   # or wait: its next run is created anew",
    "Job": "kubectl delete pod {pods} -n {ns}   # the Job creates new ones while it runs",
}


def restart_command(w: Workload, pods: List[str]) -> str:
    template = _RESTART.get(w.kind, "kubectl delete pod {pods} -n {ns}   # {kind}/{name} creates new ones")
    return template.format(name=w.name, ns=w.namespace, pods=" ".join(pods), kind=w.kind)


def findings_for(w: Workload, expected: Mapping[str, Any], peer_auth: Optional[PeerAuthentications],
                 root_namespace: str = "istio-system") -> List[Dict[str, Any]]:
    facts = [pod_facts(p) for p in w.pods]
    out: List[Dict[str, Any]] = []

    def add(code: str, pods: List[str], detail: str, fix: str) -> None:
        if pods or code == "injection-failing":
            out.append({"code": code, "pods": pods, "detail": detail, "fix": fix, "docs": DOCS[code]})

    verdict = expected.get("verdict")
    bare = [f["name"] for f in facts if not f["sidecar"]]
    with_sidecar = [f for f in facts if f["sidecar"]]
    rule = (expected.get("decidedBy") or {}).get("rule")
    if verdict == "injected":
        add("needs-restart", bare,
            f"a pod created now from this {w.kind}'s template would be injected ({rule}"
            + (f", revision {expected['revision']}" if expected.get("revision") else "")
            + f"), but {_count(bare, 'running pod')} {'has' if len(bare) == 1 else 'have'} no sidecar: injection happens "
            "only when a pod is created, so they predate what enables it now (e.g. the namespace label)",
            restart_command(w, bare))
        for code, field, now, verbs in (("stale-proxy", "proxyImage", expected.get("proxyImage"), ("runs", "run")),
                                        ("revision-mismatch", "revision", expected.get("revision"), ("was", "were"))):
            differ = [f for f in with_sidecar if now and f[field] and f[field] != now]
            if differ:
                names = [f["name"] for f in differ]
                then = ", ".join(sorted({f[field] for f in differ}))
                tail = (f"the injector now injects {now}" if field == "proxyImage"
                        else f"a pod created now would be injected by revision {now}")
                what = verbs[len(differ) > 1] + (" proxy image" if field == "proxyImage" else " injected by revision")
                add(code, names, f"{_count(differ, 'pod')} {what} {then}; {tail}", restart_command(w, names))
    elif verdict in ("not-injected", "rejected"):
        names = [f["name"] for f in with_sidecar]
        add("sidecar-not-expected", names,
            f"{_count(names, 'pod')} {'has' if len(names) == 1 else 'have'} a sidecar, but a pod created now from this "
            f"{w.kind}'s template would not be injected ({rule}): they predate the change (label removed, opt-out added)",
            restart_command(w, names))
    if peer_auth is not None and bare and w.namespace not in IGNORED_NAMESPACES + (root_namespace,):
        labels_of = {(p.get("metadata") or {}).get("name"): ((p.get("metadata") or {}).get("labels") or {}) for p in w.pods}
        own = []
        for name in bare:
            mode, source = peer_auth.mode_for(w.namespace, labels_of.get(name) or {})
            if mode == "STRICT":
                own.append((name, source))
        elsewhere = peer_auth.strict_elsewhere()
        if own or elsewhere:
            fix = restart_command(w, bare) if verdict == "injected" else (
                f"give them a sidecar (kubectl label namespace {w.namespace} istio-injection=enabled, then "
                f"{restart_command(w, bare)}), or let the workloads they call accept plain text (a PERMISSIVE "
                "PeerAuthentication)")
            if own:
                detail = (f"STRICT mutual TLS applies to {_count(own, 'pod')} without a sidecar "
                          f"({', '.join(sorted({s for _, s in own}))}): nothing enforces it for them, and their plain-text "
                          "requests to STRICT workloads are refused (\"connection reset by peer\")")
            else:
                detail = (f"STRICT mutual TLS is in force ({', '.join(elsewhere)}): plain-text requests from "
                          f"{_count(bare, 'pod')} without a sidecar to those workloads are refused "
                          "(\"connection reset by peer\")")
            add("no-sidecar-strict-mtls", [n for n, _ in own] or bare, detail, fix)
    failing = [e for e in w.events if INJECTOR_SUFFIX in (e.get("message") or "")]
    newest_pod = max(((p.get("metadata") or {}).get("creationTimestamp") or "" for p in w.pods), default="")
    # a failure after the newest pod was created is still going on (timestamps have whole seconds: one in the
    # same second as that pod is taken for the last failure before it succeeded)
    recent = [e for e in failing if _last_seen(e) > newest_pod]
    if recent:
        last = max(recent, key=_last_seen)
        count = sum(int(e.get("count") or 1) for e in recent)
        webhook = _webhook_named(last.get("message") or "")
        add("injection-failing", [],
            f"{(last.get('involvedObject') or {}).get('kind')} {(last.get('involvedObject') or {}).get('name')} cannot "
            f"create pods ({count} FailedCreate events, last at {_last_seen(last)}): {_short(last.get('message') or '')}",
            f"make the injector answer{' (' + webhook + ')' if webhook else ''}: kubectl -n {root_namespace} get pods "
            "-l app=istiod; with failurePolicy Fail no pod is created while it is down, and the controller retries "
            "by itself")
    return out


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _last_seen(event: Mapping[str, Any]) -> str:
    return (event.get("lastTimestamp") or (event.get("series") or {}).get("lastObservedTime") or event.get("eventTime")
            or (event.get("metadata") or {}).get("creationTimestamp") or "")


def _webhook_named(message: str) -> str:
    import re

    m = re.search(r'webhook "([^"]+)"', message)
    return m.group(1) if m else ""


def _short(message: str, limit: int = 240) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit - 1] + "…"
