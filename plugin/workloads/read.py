"""Reading what runs, with a constant number of list calls: the pods (of the namespaces, with the label
selector), the controllers their ownerReferences name (ReplicaSets, then the Deployments those name;
Jobs, then CronJobs; StatefulSets, DaemonSets, ReplicationControllers) — one list per kind, and only for
kinds some pod or event needs — and the FailedCreate events. Never a request per pod or per workload."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from simulator.records import Record

from ..kube import resources as r
from .owners import controller_of

CONTROLLERS = {res.kind: res for res in (r.REPLICASETS, r.DEPLOYMENTS, r.STATEFULSETS, r.DAEMONSETS, r.JOBS,
                                         r.CRONJOBS, r.REPLICATIONCONTROLLERS)}
FINISHED = ("Succeeded", "Failed")


class Observed(Record):
    _fields = ("pods", "controllers", "events", "refusals")

    def __init__(self, pods, controllers, events, refusals):
        self.pods: List[Dict[str, Any]] = pods
        self.controllers: Dict[tuple, Dict[str, Any]] = controllers   # (kind, namespace, name) -> object
        self.events: List[Dict[str, Any]] = events
        self.refusals: List[Dict[str, Any]] = refusals


def read_workloads(client, namespaces: Optional[Sequence[str]], selector: Optional[str] = None,
                   events: bool = True) -> Observed:
    refusals: List[Dict[str, Any]] = []

    def listed(resource, **kw) -> List[Dict[str, Any]]:
        return _listed(client, resource, namespaces, refusals, **kw)

    pods = [p for p in listed(r.PODS, label_selector=selector)
            if (p.get("status") or {}).get("phase") not in FINISHED and not (p.get("metadata") or {}).get("deletionTimestamp")]
    failed = listed(r.EVENTS, field_selector="reason=FailedCreate") if events else []
    controllers: Dict[tuple, Dict[str, Any]] = {}
    wanted = {controller_of(p)[0] for p in pods if controller_of(p)} | \
             {(e.get("involvedObject") or {}).get("kind") for e in failed}
    done = set()
    while True:
        todo = sorted(k for k in wanted if k in CONTROLLERS and k not in done)
        if not todo:
            break
        for kind in todo:
            done.add(kind)
            for obj in listed(CONTROLLERS[kind]):
                md = obj.get("metadata") or {}
                controllers[(kind, md.get("namespace", ""), md.get("name", ""))] = obj
                owner = controller_of(obj)
                if owner:
                    wanted.add(owner[0])        # ReplicaSet -> Deployment, Job -> CronJob
    return Observed(pods, controllers, failed, refusals)


def read_labelled_controllers(client, namespaces: Optional[Sequence[str]], selector: str
                              ) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(the controllers whose own labels match, refusals): `kubectl get deploy,sts,ds,cronjob,job,rs,rc -l
    SELECTOR`, one list per kind, filtered by the API server."""
    refusals: List[Dict[str, Any]] = []
    found = [obj for res in CONTROLLERS.values()
             for obj in _listed(client, res, namespaces, refusals, label_selector=selector)]
    return found, refusals


def _listed(client, resource, namespaces, refusals, **kw) -> List[Dict[str, Any]]:
    """Every item of a kind in the namespaces (None: all), or [] with the refusal noted when RBAC says no."""
    from ..kube.client import Forbidden
    from ..state.live import CONSEQUENCES

    items: List[Dict[str, Any]] = []
    try:
        for ns in [None] if namespaces is None else list(namespaces):
            items.extend(client.list(resource, ns, **kw))
    except Forbidden as e:
        refusals.append(dict(e.refusal(), kind=resource.kind, unknown=CONSEQUENCES.get(
            resource.kind, f"the {resource.kind}s that own pods are unknown: their pods are predicted from "
                           "themselves, and restart commands name the nearest known owner")))
        return []
    return items
