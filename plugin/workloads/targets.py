"""`explain TYPE/NAME…` and `explain -l SELECTOR [-n NS | -A]`: the objects to explain come from the cluster,
and each item also says what its running pods have and what differs (`live`: the pods and findings of
`status`).

- `deployment/NAME` (statefulset, daemonset, replicaset, job, cronjob, replicationcontroller): the object's
  pod template, and the pods it owns (directly or through its ReplicaSets/Jobs);
- `pod/NAME`: that pod as its creator sent it (what Istio added taken off), and that pod alone;
- `-l SELECTOR`: the workloads of the pods with those labels and the workloads whose own labels match (as
  `kubectl get pods -l` and `kubectl get deploy,sts,ds,cronjob,job,rs,rc -l`), each by its template.

A fixed number of requests: one GET per object named, then the lists of `status` (with -l: one list per
controller kind more, and the lists of `status -n` again when a workload is found by its own labels only).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

from simulator.records import Record


class TargetError(Exception):
    """A TYPE/NAME that cannot be explained (unknown type, not found): one line, exit 2."""


class LiveTargets(Record):
    _fields = ("state", "index", "live", "documents", "workloads", "peer_auth", "root", "refusals")

    def __init__(self, state, index, live, documents, workloads, peer_auth, root, refusals):
        self.state = state
        self.index = index
        self.live = live
        self.documents = documents            # inputs.Document per object to explain
        self.workloads = workloads            # id(document) -> owners.Workload (its pods for `live`)
        self.peer_auth = peer_auth
        self.root = root
        self.refusals = refusals

    def live_for(self, document, explanation) -> Optional[Dict[str, Any]]:
        from .assess import decided_by_data
        from .findings import findings_for, expected_of
        from .pods import pod_facts

        w = self.workloads.get(id(document))
        if w is None or explanation is None:
            return None
        expected = expected_of(explanation, decided_by_data(explanation))
        return {"pods": [pod_facts(p) for p in w.pods], "findings": findings_for(w, expected, self.peer_auth, self.root)}


def parse_targets(words: List[str]):
    """[(Resource, name)] from kubectl's TYPE/NAME words."""
    from ..kube.resources import WORKLOADS

    out = []
    for word in words:
        kind, slash, name = word.partition("/")
        resource = WORKLOADS.get(kind.lower())
        if not slash or not name:
            raise TargetError(f"{word!r}: expected TYPE/NAME, e.g. deployment/httpbin or pod/httpbin-5f7d-abcde")
        if resource is None:
            raise TargetError(f"{word!r}: explain takes pods and workloads (pod, deployment, statefulset, daemonset, "
                              "replicaset, job, cronjob, replicationcontroller), not {kind!r}")
        out.append((resource, name))
    return out


def resolve(client, targets, selector: Optional[str], namespace: Optional[str], all_namespaces: bool) -> LiveTargets:
    from ..inputs import Document
    from ..kube.client import NotFound
    from ..state.choice import live_cluster_state
    from ..state.live import root_namespace
    from .mtls import PeerAuthentications
    from .owners import Workload, top_level
    from .pods import as_created
    from .read import read_workloads

    namespaces = None if all_namespaces else [namespace]
    fetched = []
    for resource, name in targets:
        try:
            fetched.append(client.get(resource, name, namespace))
        except NotFound:
            raise TargetError(f'{resource.display} "{name}" not found in namespace {namespace}') from None
    state, index, live = live_cluster_state(client, namespaces, peer_authentications=True)
    observed = read_workloads(client, namespaces, selector)
    peer_auth = PeerAuthentications([o for o in live.objects if o.get("kind") == "PeerAuthentication"],
                                    root_namespace(live.objects))
    documents, workloads = [], {}
    where = live.origin
    for obj in fetched:
        md = obj.get("metadata") or {}
        kind, name, ns = obj.get("kind"), md.get("name", ""), md.get("namespace", namespace)
        if kind == "Pod":
            key, top, _chain, _template = top_level(obj, ns, observed.controllers)
            w = Workload(key[0], key[2], ns, top, None, pods=[obj])
            doc = Document(as_created(obj), f"pod/{name} ({where})", 0, 1)
        else:
            target = (kind, ns, name)
            involved = [observed.controllers.get(_involved_key(e)) or _stub(e) for e in observed.events]
            w = Workload(kind, name, ns, obj, obj,
                         pods=[p for p in observed.pods if _under(p, target, observed.controllers)],
                         events=[e for e, o in zip(observed.events, involved) if _under(o, target, observed.controllers)])
            doc = Document(obj, f"{kind.lower()}/{name} ({where})", 0, 1)
        documents.append(doc)
        workloads[id(doc)] = w
    refusals = live.refusals + observed.refusals
    if selector is not None and not targets:
        for w, obj in selected(client, namespaces, selector, observed, refusals):
            doc = Document(obj, f"{w.kind.lower()}/{w.name} ({where})", 0, 1)
            documents.append(doc)
            workloads[id(doc)] = w
    return LiveTargets(state, index, live, documents, workloads, peer_auth, root_namespace(live.objects), refusals)


def selected(client, namespaces, selector: str, observed, refusals: List[Dict[str, Any]]):
    """[(Workload, the object whose template is explained)] for `-l SELECTOR`, in namespace, kind, name order: the
    workloads of the pods with those labels (`kubectl get pods -l`) and the workloads whose own labels match
    (`kubectl get deploy,sts,ds,cronjob,job,rs,rc -l`), each once, by its top-level controller. So a Deployment
    scaled to 0, or one whose pods were never made (no kube-controller-manager), is found too; its pods (any)
    come from one more read of what runs, made only when such a workload was not already found by its pods."""
    from .assess import template_object
    from .owners import Workload, group, has_template, top_level
    from .read import read_labelled_controllers, read_workloads

    found: Dict[tuple, tuple] = {}
    for w in group(observed.pods, observed.controllers, observed.events):
        obj = w.template_source or template_object(w)
        if obj is not None and w.pods:      # one seen only through its events: its pods' labels are unknown
            found[w.key] = (w, obj)
    labelled, refused = read_labelled_controllers(client, namespaces, selector)
    refusals.extend(x for x in refused if x not in refusals)
    controllers = dict(observed.controllers)
    for obj in labelled:
        md = obj.get("metadata") or {}
        controllers[(obj.get("kind", ""), md.get("namespace", ""), md.get("name", ""))] = obj

    def top_of(obj):
        return top_level(obj, (obj.get("metadata") or {}).get("namespace", ""), controllers)

    if any(top_of(obj)[0] not in found for obj in labelled):
        everything = read_workloads(client, namespaces)
        refusals.extend(x for x in everything.refusals if x not in refusals)
        controllers.update(everything.controllers)
        running = {w.key: w for w in group(everything.pods, controllers, everything.events)}
        for obj in labelled:
            key, top, chain, template = top_of(obj)
            source = top if top is not None and has_template(top) else template
            if key in found or source is None:
                continue
            w = running.get(key) or Workload(key[0], key[2], key[1], top, source, chain=chain)
            w.template_source = w.template_source or source
            found[key] = (w, w.template_source)
    return [found[k] for k in sorted(found, key=lambda k: (k[1], k[0], k[2]))]


def _involved_key(event) -> tuple:
    inv = event.get("involvedObject") or {}
    return (inv.get("kind", ""), inv.get("namespace", ""), inv.get("name", ""))


def _stub(event) -> Dict[str, Any]:
    kind, ns, name = _involved_key(event)
    return {"kind": kind, "metadata": {"name": name, "namespace": ns}}


def live_explain_inputs(args, env, choice):
    """(LiveTargets, Loaded of the documents to explain) for `explain TYPE/NAME | -l`, or the exit status after
    one line (unreachable, not found, unknown type). Refused reads are warnings, as for every live command."""
    from ..exitcodes import ExitStatus
    from ..inputs import Loaded
    from ..kube.client import LiveError
    from ..state.choice import open_client, warn_refusals

    try:
        targets = parse_targets(args.targets)
        client = open_client(choice, env, args.verbosity)
        found = resolve(client, targets, args.selector, args.namespace or choice.connection.namespace,
                        args.all_namespaces)
    except (TargetError, LiveError) as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
    warn_refusals(env, found, choice.connection)
    if args.verbosity >= 6:
        env.stderr.write(f"I {len(client.calls)} API requests ({client.list_calls()} lists) to "
                         f"{choice.connection.describe()}\n")
    return found, Loaded(documents=found.documents)


def _under(obj, target: tuple, controllers) -> bool:
    """`obj` is the target or one of its descendants (a pod through its ReplicaSet, a Job of a CronJob, …)."""
    from .owners import top_level

    ns = target[1]
    if (obj.get("metadata") or {}).get("namespace", ns) != ns:
        return False
    key, _top, chain, _template = top_level(obj, ns, controllers)
    return target == key or target in chain
