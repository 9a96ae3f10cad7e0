"""One pass over a live cluster: read the state and what runs (a constant number of list calls), group pods into
workloads, predict what a pod created now from each workload's template gets (the explain pipeline, in
workers for large clusters) and compare. `status` prints the rows; `explain -l`/`TYPE/NAME` attach them."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence

from simulator.records import Record

#: Kinds without which no prediction can be trusted: it is then "unknown", never guessed.
NEEDED_FOR_PREDICTION = ("Namespace", "MutatingWebhookConfiguration", "ConfigMap")


class Row(Record):
    _fields = ("workload", "pods", "expected", "findings", "explanation")

    def __init__(self, workload, pods, expected, findings, explanation=None):
        self.workload = workload            # owners.Workload
        self.pods = pods                    # [pod_facts]
        self.expected = expected            # expected_of(...) or UNKNOWN
        self.findings = findings
        self.explanation = explanation      # kept only when asked (explain)

    def to_dict(self) -> Dict[str, Any]:
        return {"workload": self.workload.ref(), "pods": self.pods, "expected": self.expected,
                "findings": self.findings}


class Assessment(Record):
    _fields = ("rows", "state", "live", "observed", "unknown")

    def __init__(self, rows, state, live, observed, unknown):
        self.rows: List[Row] = rows
        self.state = state
        self.live = live
        self.observed = observed
        self.unknown: List[Dict[str, Any]] = unknown     # the refusals, with what each leaves unknown


def template_object(w, controllers=None) -> Optional[Dict[str, Any]]:
    """What a new pod of the workload is made from: the pod its controller would create now (the controller's
    template, named and owned as the controller does it: Istio derives the workload name and owner it injects
    from the ownerReferences), else the controller's object, else the pod itself as its creator sent it."""
    from .pods import as_created

    if w.template_source is not None:
        return controller_pod(w.template_source, controllers or {}) or w.template_source
    if w.pods:
        return as_created(w.pods[0])
    return None


def controller_pod(obj: Dict[str, Any], controllers) -> Optional[Dict[str, Any]]:
    """The Pod a ReplicaSet, StatefulSet, DaemonSet, Job or ReplicationController creates from its template;
    for a Deployment, the pod of its newest ReplicaSet's name (its pod-template-hash) with the Deployment's
    current template. None when that cannot be told (a CronJob, a Deployment whose ReplicaSets were not read)."""
    from .owners import controller_of

    md = obj.get("metadata") or {}
    kind, name, ns = obj.get("kind"), md.get("name", ""), md.get("namespace", "")
    template = (obj.get("spec") or {}).get("template")
    if not isinstance(template, dict) or not md.get("uid") or kind == "CronJob":
        return None
    owner, labels = obj, dict((template.get("metadata") or {}).get("labels") or {})
    if kind == "Deployment":
        sets = [o for (k, n, _), o in controllers.items() if k == "ReplicaSet" and n == ns
                and controller_of(o) == ("Deployment", name) and (o.get("metadata") or {}).get("uid")]
        if not sets:
            return None
        owner = max(sets, key=lambda o: (o["metadata"].get("creationTimestamp") or "", o["metadata"]["name"]))
        digest = ((owner["metadata"].get("labels") or {}).get("pod-template-hash"))
        if digest:
            labels["pod-template-hash"] = digest
    meta = dict(template.get("metadata") or {}, labels=labels, namespace=ns,
                generateName=f"{owner['metadata']['name']}-",
                ownerReferences=[{"apiVersion": owner.get("apiVersion", ""), "kind": owner.get("kind", ""),
                                  "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                  "controller": True, "blockOwnerDeletion": True}])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec")}


def _summary(document, explanation):
    """Runs where the workload was explained (a worker, for large clusters): only the small summary travels."""
    from .findings import expected_of

    return expected_of(explanation, decided_by_data(explanation))


def decided_by_data(explanation) -> Dict[str, Any]:
    """decidedBy as `explain -o json` prints it (detail in words, inputs beside)."""
    from ..printers.structured import decided_by_data as data

    return data(explanation)


def assess(client, namespaces: Optional[Sequence[str]], selector: Optional[str], environ,
           keep_explanations: bool = False, only=None, progress=None) -> Assessment:
    """`only(workload) -> bool` keeps some workloads (explain TYPE/NAME) before anything is predicted;
    `progress` (a printers.progress Progress) is told of each stage: listing, grouping, predicting."""
    from simulator import EngineCache, Options

    from ..inputs import Document
    from ..runtime.bulk import Work, explain_all, workers_for
    from ..runtime.treecache import DiskTreeCache
    from ..state.choice import live_cluster_state
    from ..state.live import root_namespace
    from .findings import UNKNOWN, findings_for
    from .mtls import PeerAuthentications
    from .owners import group
    from .pods import pod_facts
    from .read import read_workloads

    state, _index, live = live_cluster_state(client, namespaces, peer_authentications=True)
    observed = read_workloads(client, namespaces, selector)
    if progress is not None:
        count = len(observed.pods)
        progress.show(f"grouping {count:,} pod{'' if count == 1 else 's'} into workloads", force=True)
    workloads = group(observed.pods, observed.controllers, observed.events)
    if selector:        # events carry no pod labels: a workload seen only through its events is not selected
        workloads = [w for w in workloads if w.pods]
    if only is not None:
        workloads = [w for w in workloads if only(w)]
    refused_kinds = {x["kind"] for x in live.refusals + observed.refusals}
    predictable = not (refused_kinds & set(NEEDED_FOR_PREDICTION))
    jobs, positions = [], []
    for w in workloads:
        obj = template_object(w, observed.controllers) if predictable else None
        positions.append(len(jobs) if obj is not None else None)
        if obj is not None:
            jobs.append((Document(obj, f"{w.kind.lower()}/{w.name}", 0, 1), w.namespace))
    options = Options(hints=False, admission_defaults=True)
    finish = None if keep_explanations else _summary
    cache = EngineCache(trees=DiskTreeCache.for_environment(environ))
    results = explain_all(Work(jobs, state, options, cache, finish), workers_for(len(jobs), environ),
                          progress.counter("predicting", len(jobs), "workloads") if progress is not None else None)
    peer_auth = None if "PeerAuthentication" in refused_kinds else PeerAuthentications(
        [o for o in live.objects if o.get("kind") == "PeerAuthentication"], root_namespace(live.objects))
    root = root_namespace(live.objects)
    rows = []
    for w, position in zip(workloads, positions):
        explanation = None
        expected = dict(UNKNOWN)
        if position is not None:
            result, problem = results[position]
            if problem is None:
                if keep_explanations:
                    explanation = result
                    from .findings import expected_of

                    expected = expected_of(result, decided_by_data(result))
                else:
                    expected = result
            else:
                expected["error"] = str(problem)
        elif not predictable:
            expected["unknown"] = "cannot be predicted: " + ", ".join(sorted(refused_kinds & set(NEEDED_FOR_PREDICTION))) + \
                " could not be read"
        rows.append(Row(w, [pod_facts(p) for p in w.pods], expected, findings_for(w, expected, peer_auth, root),
                        explanation))
    return Assessment(rows, state, live, observed, live.refusals + observed.refusals)
