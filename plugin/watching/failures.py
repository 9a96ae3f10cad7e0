"""A controller that could not create a pod because of an injector webhook: the `create-failed` line of `watch`.

kube-controller-manager reports a refused pod CREATE as a FailedCreate Warning on the controller
("Error creating: " and the API server's message), and counts repeats on the same Event. The API server's
message says which webhook failed and how: `failed calling webhook "W": failed to call webhook: Post
"URL": dial tcp …: connect: connection refused` (nothing listens: istiod is down, or its Service has no
endpoints), `… context deadline exceeded` (no answer within the webhook's timeoutSeconds), `… tls: …` or
`x509: …` (the caBundle does not verify istiod's certificate), or `admission webhook "W" denied the
request: …` (istiod answered and refused the pod). A failure to call ends in a refused pod only under
failurePolicy Fail (Ignore lets the pod through without a sidecar); the policy, timeout and target are
read from the live webhook configuration.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from ..workloads.findings import INJECTOR_SUFFIX

#: (cause, the words for it, what in the message says so), first match wins.
CAUSES = (
    ("denied", "istiod answered and refused the pod", ("denied the request",)),
    ("tls", "the TLS handshake with istiod failed (the webhook's caBundle does not verify istiod's certificate)",
     ("x509:", "tls:", "certificate")),
    ("timeout", "istiod did not answer in time", ("context deadline exceeded", "timeout", "timed out")),
    ("unreachable", "istiod is unreachable", ("connection refused", "no route to host", "no endpoints available",
                                              "not found", "dial tcp", "connection reset", "EOF")),
)
CONTROLLER_KINDS = ("ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController", "CronJob")


def webhook_named(message: str) -> Optional[str]:
    m = re.search(r'webhook "([^"]+)"', message)
    return m.group(1) if m else None


def injector_webhook_of(event: Mapping[str, Any]) -> Optional[str]:
    """The injector webhook a controller's FailedCreate event names, or None when it names none."""
    involved = event.get("involvedObject") or {}
    if event.get("reason") != "FailedCreate" or involved.get("kind") not in CONTROLLER_KINDS:
        return None
    name = webhook_named(event.get("message") or "")
    return name if name and name.endswith(INJECTOR_SUFFIX) else None


def cause_of(message: str) -> Tuple[str, str]:
    """(cause code, its words): denied, tls, timeout, unreachable, or error."""
    lowered = re.sub(r'"[^"]*"', '""', message).lower()    # not the URL's ?timeout=10s, nor the names
    for code, words, markers in CAUSES:
        if any(m.lower() in lowered for m in markers):
            return code, words
    return "error", "calling istiod failed"


def webhook_config(name: str, objects: Iterable[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """The live webhook of that name: {configuration, failurePolicy, timeoutSeconds, target}."""
    for cfg in objects:
        if cfg.get("kind") != "MutatingWebhookConfiguration":
            continue
        for hook in cfg.get("webhooks") or []:
            if hook.get("name") == name:
                client = hook.get("clientConfig") or {}
                service = client.get("service") or {}
                target = client.get("url") or (f"service {service.get('namespace', '')}/{service.get('name', '')}"
                                               f":{service.get('port', 443)}{service.get('path', '')}" if service else None)
                return {"configuration": (cfg.get("metadata") or {}).get("name", ""),
                        "failurePolicy": hook.get("failurePolicy", "Fail"),
                        "timeoutSeconds": hook.get("timeoutSeconds", 10), "target": target}
    return None


def create_failed(event: Mapping[str, Any], webhook: str, objects: Iterable[Mapping[str, Any]], prediction=None
                  ) -> Dict[str, Any]:
    """The `create-failed` record. `prediction`: the explanation for a pod of the controller's template (does
    the simulator agree that this webhook is called for it?), or a string saying why there is none."""
    involved = event.get("involvedObject") or {}
    message = " ".join((event.get("message") or "").split())
    cause, words = cause_of(message)
    config = webhook_config(webhook, objects)
    policy = (config or {}).get("failurePolicy")
    if cause == "timeout" and config:
        words += f" (timeoutSeconds {config['timeoutSeconds']})"
    why = words if cause == "denied" else (
        f"{words}, and the webhook's failurePolicy is {policy}: the API server refuses the pod instead of creating "
        "it without a sidecar" if policy else f"{words}, so the API server refused the pod")
    count = int(event.get("count") or 1)
    ref = {"kind": involved.get("kind", ""), "name": involved.get("name", ""),
           "namespace": involved.get("namespace") or (event.get("metadata") or {}).get("namespace", "")}
    record: Dict[str, Any] = {
        "event": "create-failed", "object": ref,
        "time": event.get("lastTimestamp") or event.get("eventTime") or (event.get("metadata") or {}).get("creationTimestamp"),
        "webhook": webhook, "cause": cause, "failurePolicy": policy, "target": (config or {}).get("target"),
        "count": count, "message": message,
        "detail": f"{ref['kind']} {ref['name']} cannot create pods: webhook {webhook}: {why}"
                  + (f" ({count} times)" if count > 1 else "")}
    if prediction is None or isinstance(prediction, str):
        record.update(verdict="unknown", decidedBy=None, agrees=None)
        if isinstance(prediction, str):
            record["detail"] += f"; no prediction: {prediction}"
        return record
    from ..workloads.assess import decided_by_data

    called = _called(prediction, webhook)
    record.update(verdict=prediction.verdict.value, decidedBy=decided_by_data(prediction), agrees=called)
    if not called:
        record["detail"] += "; the prediction has the API server not call this webhook for these pods"
    return record


def _called(explanation, webhook: str) -> bool:
    from simulator import Stage

    selection = explanation.stage(Stage.WEBHOOK_SELECTION)
    return any(w.webhook == webhook and w.called for w in (selection.webhooks if selection is not None else ()))
