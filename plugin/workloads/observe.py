"""What the real admission chain made of an applied object: the pod it stored (for a workload, the first pod its
controller creates from the new template), the pod as its controller submits it, and the pod as the API server
hands it to the injector.

A workload's first pod is found through one watch of the namespace's Events, started at a resourceVersion read
before the object was applied (so nothing is missed): the controllers say which pod they created
(`SuccessfulCreate` "Created pod: NAME"; a Deployment's `ScalingReplicaSet` names the ReplicaSet first), and a
`FailedCreate` event naming a webhook ends the wait with the controller's error. One GET then reads the pod.
Events rather than Pods are watched because only they carry the controller's failures; one watch serves both.
"""
from __future__ import annotations

import copy
import re
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

from simulator.records import Record

from ..kube import resources as r

OPT_OUT = "sidecar.istio.io/inject"
#: Labels and annotations the controllers add to the pods they create (not in the pod template).
CONTROLLER_LABELS = ("pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                     "apps.kubernetes.io/pod-index", "pod-template-generation", "controller-uid", "job-name",
                     "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name",
                     "batch.kubernetes.io/job-completion-index")
CONTROLLER_ANNOTATIONS = ("batch.kubernetes.io/job-completion-index",)
_CREATED = (re.compile(r"Created pod: (\S+)"), re.compile(r"create Pod (\S+) in StatefulSet \S+ successful"))
_SCALED = re.compile(r"Scaled up replica set (\S+) (?:to|from)")
#: Kinds whose controller creates pods at once when the template changes (a CronJob waits for its schedule).
OBSERVABLE = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController")


class Observation(Record):
    """`pod`: the stored pod (None when none was made); `error`: why not (the controller's FailedCreate,
    a timeout); `via`: how it was obtained ("created", "controller", "dry-run")."""

    _fields = ("pod", "error", "via")

    def __init__(self, pod: Optional[Dict[str, Any]], error: Optional[str] = None, via: str = ""):
        self.pod = pod
        self.error = error
        self.via = via


def first_pod(client, workload: Dict[str, Any], namespace: str, since: str, timeout: float) -> Observation:
    """The first pod the workload's controller creates after resourceVersion `since` of the namespace's Events,
    waiting up to `timeout` seconds."""
    kind, name = workload.get("kind"), (workload.get("metadata") or {}).get("name")
    owners = {(kind, name)}
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return Observation(None, f"no pod was created from {kind.lower()}/{name}'s template within "
                                     f"{timeout:g}s (is kube-controller-manager running?)")
        for event in client.watch_events(r.EVENTS, namespace, since, left):
            obj = event.get("object") or {}
            if event.get("type") == "ERROR":
                return Observation(None, f"the watch of events in namespace {namespace} ended: "
                                         f"{obj.get('message', '')}")
            since = (obj.get("metadata") or {}).get("resourceVersion") or since
            involved = obj.get("involvedObject") or {}
            if (involved.get("kind"), involved.get("name")) not in owners:
                continue
            message, reason = obj.get("message") or "", obj.get("reason")
            if reason == "ScalingReplicaSet":
                m = _SCALED.search(message)
                if m:
                    owners.add(("ReplicaSet", m.group(1)))
            elif reason == "SuccessfulCreate":
                m = next((p.search(message) for p in _CREATED if p.search(message)), None)
                if m:
                    return Observation(client.get(r.PODS, m.group(1), namespace), via="controller")
            elif reason == "FailedCreate" and "webhook" in message:
                return Observation(None, f"{involved.get('kind', '').lower()}/{involved.get('name')} could not "
                                         f"create its pod (FailedCreate): {message}")
            if time.monotonic() >= deadline:
                break


def template_pod(workload: Dict[str, Any], namespace: str) -> Dict[str, Any]:
    """A Pod built from a workload's pod template, named as its controller names pods (generateName)."""
    from simulator.kube.objects import pod_for

    return copy.deepcopy(pod_for(workload, namespace))


def as_submitted(template: Dict[str, Any], observed: Dict[str, Any]) -> Dict[str, Any]:
    """The pod as the controller submitted it: the template pod with what the controller added, read back
    from the stored pod (its name or generateName, ownerReferences, the controller's labels and annotations,
    a StatefulSet pod's hostname and subdomain)."""
    pod = copy.deepcopy(template)
    md, seen = pod.setdefault("metadata", {}), observed.get("metadata") or {}
    for key in ("generateName", "ownerReferences"):
        if key in seen:
            md[key] = copy.deepcopy(seen[key])
    if seen.get("generateName"):
        md.pop("name", None)
    elif seen.get("name"):
        md["name"] = seen["name"]
        md.pop("generateName", None)
    for field, keys in (("labels", CONTROLLER_LABELS), ("annotations", CONTROLLER_ANNOTATIONS)):
        extra = {k: v for k, v in (seen.get(field) or {}).items() if k in keys}
        if extra:
            md[field] = dict(md.get(field) or {}, **extra)
    spec, seen_spec = pod.setdefault("spec", {}), observed.get("spec") or {}
    if any(o.get("kind") == "StatefulSet" for o in seen.get("ownerReferences") or []):
        for key in ("hostname", "subdomain"):
            if key in seen_spec and key not in spec:
                spec[key] = seen_spec[key]
    return pod


def handed_to_webhooks(client, submitted: Dict[str, Any], namespace: str) -> Dict[str, Any]:
    """The pod as the API server hands it to the injector: the submitted pod created with dryRun=All and the
    opt-out label `sidecar.istio.io/inject=false` (which every Istio injector webhook's objectSelector
    excludes), so that the in-tree admission plugins run and Istio's webhooks do not; the label is then put
    back as it was, and a name, replaced by a generateName for the request, too. Raises LiveError (e.g. Forbidden) as the request does."""
    pod = copy.deepcopy(submitted)
    md = pod.setdefault("metadata", {})
    name = md.pop("name", None)
    if name:                 # the pod itself may exist by now: a generated name cannot collide with it
        md["generateName"] = f"{name}-"
    labels = md.setdefault("labels", {})
    had = labels.get(OPT_OUT)
    labels[OPT_OUT] = "false"
    got = client.create(r.PODS, pod, namespace, dry_run=True)
    if name:
        got["metadata"]["name"] = name
        got["metadata"].pop("generateName", None)
    got_labels = got["metadata"].setdefault("labels", {})
    if had is None:
        got_labels.pop(OPT_OUT, None)
    else:
        got_labels[OPT_OUT] = had
    return got
