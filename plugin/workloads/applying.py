"""The work of `kubectl inject apply` (plugin/commands/apply.py says what and why): order the objects, apply
each with server-side apply, predict the pod-bearing ones against the live state, observe what the cluster
made, compare, and print each result as it is known.
"""
from __future__ import annotations

import copy
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from ..exitcodes import ExitStatus
from ..kube import resources as r

STATE_KINDS = ("Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node", "ServiceAccount", "LimitRange",
               "PriorityClass", "RuntimeClass", "PeerAuthentication")


class _Target:
    def __init__(self, doc, obj, resource, namespace):
        self.doc = doc
        self.obj = obj
        self.resource = resource
        self.namespace = namespace          # None for cluster-scoped kinds
        self.kind = obj.get("kind")
        self.name = obj["metadata"]["name"]

    def display(self) -> str:
        """As kubectl names it in `deployment.apps/httpbin created`."""
        group = self.resource.group
        return f"{self.kind.lower()}{'.' + group if group else ''}/{self.name}"

    def ref(self) -> Dict[str, Any]:
        out = {"kind": self.kind, "name": self.name}
        if self.namespace:
            out["namespace"] = self.namespace
        return out


class Applier:
    def __init__(self, client, connection, env, dry_run: bool, wait: float, namespace: Optional[str],
                 field_manager: str, text: bool = True):
        self.client = client
        self.connection = connection
        self.env = env
        self.dry_run = dry_run
        self.wait = wait
        self.namespace = namespace
        self.field_manager = field_manager
        self.text = text
        self.status = ExitStatus.OK
        self.live = None                    # the LiveState read (for --report)
        self.pods: List[Tuple[str, Dict[str, Any], Dict[str, Any], List[Dict[str, Any]]]] = []
        self._events_since: Dict[str, Optional[str]] = {}
        from ..printers.progress import NO_PROGRESS

        self.progress = NO_PROGRESS         # the wait for a workload's first pod, on a terminal (commands/apply.py)

    # -- the run -------------------------------------------------------------------------------------------------

    def run(self, documents) -> List[Dict[str, Any]]:
        from simulator.kube.objects import INJECTABLE_KINDS, has_generic_pod_template

        targets = [t for t in (self._target(d) for d in documents) if t is not None]
        bearing = [t for t in targets if t.kind in INJECTABLE_KINDS or has_generic_pod_template(t.obj)]
        first = [t for t in targets if t.kind == "Namespace"] + \
                [t for t in targets if t.kind != "Namespace" and t not in bearing]
        items: List[Dict[str, Any]] = []
        answers: List[Dict[str, Any]] = []
        for t in first:
            item, answer = self._apply(t)
            items.append(_public(item))
            if answer is not None and t.kind in STATE_KINDS:
                answers.append(answer)
        if not bearing:
            return items
        state = self._state(sorted({t.namespace for t in bearing if t.namespace}), answers)
        if state is None:
            return items
        from simulator import EngineCache

        cache = EngineCache()
        for t in bearing:
            items.append(self._pod_bearing(t, state, cache))
        return items

    def _target(self, doc) -> Optional[_Target]:
        from ..kube.client import LiveError

        obj = doc.obj
        md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        problem = None
        if not obj.get("apiVersion") or not obj.get("kind"):
            problem = "apiVersion and kind are required"
        elif not md.get("name"):
            problem = ("cannot use generateName with apply (name the object)" if md.get("generateName")
                       else "metadata.name is required")
        if problem:
            return self._bad(f"{doc.where()}: {problem}")
        try:
            resource = self.client.resource_for(obj["apiVersion"], obj["kind"])
        except LiveError as e:
            return self._bad(f"{doc.where()}: {obj['kind']} {md['name']}: {e}")
        namespace = None
        if resource.namespaced:
            own = md.get("namespace")
            if self.namespace and own and own != self.namespace:
                return self._bad(f"{doc.where()}: the object's namespace \"{own}\" does not match -n \"{self.namespace}\"")
            namespace = self.namespace or own or self.connection.namespace
        obj = copy.deepcopy(obj)
        if namespace:
            obj["metadata"]["namespace"] = namespace
        return _Target(doc, obj, resource, namespace)

    def _bad(self, message: str) -> None:
        self.env.stderr.write(f"error: {message}\n")
        self.status = ExitStatus.ERROR
        return None

    # -- applying ------------------------------------------------------------------------------------------------

    def _apply(self, t: _Target) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
        """(the item, the server's answer or None): one GET (created or not) and one server-side apply."""
        from ..kube.client import LiveError, NotFound

        item: Dict[str, Any] = {"object": t.ref()}
        try:
            try:
                before = self.client.get(t.resource, t.name, t.namespace)
            except NotFound:
                before = None
            after = self.client.apply(t.resource, t.obj, t.namespace, self.field_manager, dry_run=self.dry_run)
        except LiveError as e:
            item["action"] = "error"
            item["error"] = str(e)
            self._error(f"{t.display()}: {e}")
            return item, None
        action = _action(before, after, self.dry_run)
        item["action"] = "dry-run" if self.dry_run else action
        if self.dry_run:
            item["dryRunAction"] = action
        item["_before"], item["_after"] = before, after
        self._say(f"{t.display()} {action}{' (server dry run)' if self.dry_run else ''}")
        return item, after

    def _state(self, namespaces: List[str], answers: List[Dict[str, Any]]):
        """The simulator's state from one read of the live cluster, with the objects this run applied in a
        dry run standing in for what the cluster would then hold."""
        from ..kube.client import LiveError
        from ..state.choice import warn_refusals
        from ..state.live import read_state, state_documents
        from ..state.sources import build_state

        try:
            live = read_state(self.client, namespaces)
        except LiveError as e:
            self._error(str(e))
            return None
        warn_refusals(self.env, live, self.connection)
        self.live = live
        docs = state_documents(live)
        if self.dry_run and answers:
            from ..inputs import Document

            key = _key
            replaced = {key(a) for a in answers}
            docs = [d for d in docs if key(d.obj) not in replaced] + \
                   [Document(a, "dry run", i, 1) for i, a in enumerate(answers)]
            for a in answers:
                live.objects.append(a)
        state, _ = build_state(docs, live.origins())
        return state

    # -- a pod or a workload -------------------------------------------------------------------------------------

    def _pod_bearing(self, t: _Target, state, cache) -> Dict[str, Any]:
        from simulator import Options, SimulatorError, explain

        try:
            prediction = explain(t.obj, t.namespace, state, Options(), cache)
        except SimulatorError as e:
            # the prediction is what this tool adds to `kubectl apply`: without it (e.g. a namespace RBAC does not
            # let the user read) the object is still applied and observed, and the reason named
            prediction, why = None, str(e)
            self._error(f"{t.doc.where()}: {why if e.subject else f'{t.kind}/{t.name}: {why}'}: no prediction, "
                        "so it is applied and observed without one")
        since = self._events_version(t)
        item, after = self._apply(t)
        if prediction is None:
            item["predictionError"] = why
            self._say("  predicted: unknown (see the error)")
        else:
            item["predicted"] = _predicted(prediction)
            self._say(f"  predicted: {_summary(prediction.pod if prediction.verdict.value == 'injected' else prediction.original_pod, prediction.verdict.value)}"
                      f" ({_decided(prediction)})")
        if after is None:
            return _public(item)
        observation = self._observe(t, item, after, since)
        if observation.pod is None:
            item["error"] = observation.error
            self._error(f"{t.display()}: {observation.error}")
            return _public(item)
        if prediction is None:
            self._observed(item, observation)
            return _public(item)
        self._compare(t, item, prediction, observation, state, cache)
        return _public(item)

    def _events_version(self, t: _Target) -> Optional[str]:
        """Where the watch for a workload's first pod starts: the namespace's Events as they are before the
        workload is applied (one request per namespace)."""
        from ..kube.client import LiveError

        if self.dry_run or t.kind == "Pod" or not self.wait:
            return None
        if t.namespace not in self._events_since:
            try:
                self._events_since[t.namespace] = self.client.list_version(r.EVENTS, t.namespace)
            except LiveError as e:
                self._events_since[t.namespace] = None
                self.env.stderr.write(f"warning: {e}: the first pods of workloads in namespace {t.namespace} "
                                      "are checked with a dry-run Pod instead\n")
        return self._events_since[t.namespace]

    def _observe(self, t: _Target, item: Dict[str, Any], after: Dict[str, Any], since: Optional[str]):
        from ..kube.client import Forbidden, LiveError
        from .observe import OBSERVABLE, Observation, first_pod, template_pod

        if t.kind == "Pod":
            return Observation(after, via="dry-run" if self.dry_run else "stored")
        before = item.get("_before")
        changed = before is None or _template(before) != _template(after)
        if changed and since is not None and t.kind in OBSERVABLE:
            try:
                with self.progress.waiting(f"waiting for {t.display()}'s first pod", self.wait):
                    return first_pod(self.client, after, t.namespace, since, self.wait)
            except LiveError as e:
                return Observation(None, str(e))
        pod = template_pod(after, t.namespace)
        try:
            return Observation(self.client.create(r.PODS, pod, t.namespace, dry_run=True), via="dry-run")
        except Forbidden as e:
            who = self.connection.impersonate_user or f"the user of {self.connection.describe()}"
            return Observation(None, f"checking its pod template means creating a Pod with dryRun=All, which RBAC "
                                     f"authorises as a create, and {who} may not create pods in namespace "
                                     f"{t.namespace} (ask for `create pods` there, or apply without --dry-run=server "
                                     f"to check the pods its controller makes): {e.server_message}")
        except LiveError as e:
            return Observation(None, str(e))

    def _compare(self, t: _Target, item: Dict[str, Any], prediction, observation, state, cache) -> None:
        from simulator import Options, SimulatorError, after_webhooks, explain

        from ..kube.client import LiveError
        from . import compare
        from .observe import as_submitted, handed_to_webhooks, template_pod

        observed = observation.pod
        if t.kind == "Pod":
            submitted = t.obj
            expected = prediction
        else:
            submitted = as_submitted(template_pod(item["_after"], t.namespace), observed)
            try:
                expected = explain(submitted, t.namespace, state, Options(), cache)
            except SimulatorError as e:
                self._error(f"{t.display()}: its controller's pod: {e}")
                return
        stored = expected.pod if expected.verdict.value == "injected" else expected.original_pod
        predicted_pod = after_webhooks(stored)
        node = (predicted_pod.get("spec") or {}).get("nodeName")
        names = set(compare.container_names(expected.original_pod, "containers") +
                    compare.container_names(expected.original_pod, "initContainers"))
        mine = compare.normalise(predicted_pod, node)
        theirs = compare.comparable(observed, node, mine, names)
        diffs = compare.differences(mine, theirs)
        item["observed"] = _observed(observation)
        check: Dict[str, Any] = {}
        try:
            handed = handed_to_webhooks(self.client, submitted, t.namespace)
        except LiveError as e:
            check["skipped"] = f"the pod as handed to the webhooks could not be read: {e}"
        else:
            check["differences"] = compare.patch_differences(expected.patch, handed, observed, after_webhooks,
                                                             node, names)
        item["agrees"] = not diffs and not check.get("differences")
        item["differences"] = diffs
        item["patchCheck"] = check
        self.pods.append((t.display().replace("/", "-"), predicted_pod, observed, diffs))
        self._say_observed(item, observation)
        if item["agrees"]:
            self._say("  agrees")
            if "skipped" in check:
                self._say(f"  (patch check skipped: {check['skipped']})")
            return
        self._say(f"  disagrees: {len(diffs) + len(check.get('differences') or [])} differences")
        for d in diffs:
            self._say(f"    {_difference_text(d)}")
        for d in check.get("differences") or []:
            self._say(f"    patch: {_difference_text(d)}")

    def _observed(self, item: Dict[str, Any], observation) -> None:
        """What the cluster made, where there is no prediction to compare it with."""
        item["observed"] = _observed(observation)
        self._say_observed(item, observation)

    def _say_observed(self, item: Dict[str, Any], observation) -> None:
        self._say(f"  observed:  {_summary(observation.pod, item['observed']['verdict'])}, pod {item['observed']['pod']} "
                  f"({_VIA.get(observation.via, observation.via)})")

    # -- output --------------------------------------------------------------------------------------------------

    def _say(self, line: str) -> None:
        if self.text:
            self.env.stdout.write(line + "\n")

    def _error(self, message: str) -> None:
        self.env.stderr.write(f"error: {message}\n")
        self.status = ExitStatus.ERROR

    def write_report(self, directory: str, items: List[Dict[str, Any]]) -> Optional[str]:
        """The files of a bug report: cluster-state.yaml (as `kubectl inject snapshot` writes it), per pod
        NAME.predicted.yaml, NAME.observed.yaml and NAME.differences.json, and result.json. None, or the
        problem."""
        import json
        import os

        from simulator.yamlio.write import dump

        from ..commands.snapshot import snapshot_text

        try:
            os.makedirs(directory, exist_ok=True)
            files = {"result.json": json.dumps({"items": items}, indent=2) + "\n"}
            if self.live is not None:
                files["cluster-state.yaml"] = snapshot_text(self.live, self.connection, "yaml")
            for name, predicted, observed, diffs in self.pods:
                files[f"{name}.predicted.yaml"] = dump(predicted)
                files[f"{name}.observed.yaml"] = dump(observed)
                files[f"{name}.differences.json"] = json.dumps(diffs, indent=2) + "\n"
            for name, text in files.items():
                with open(os.path.join(directory, name), "w", encoding="utf-8") as fh:
                    fh.write(text)
        except OSError as e:
            return e.strerror or str(e)
        return None


_VIA = {"stored": "as stored", "controller": "created by its controller",
        "dry-run": "a dryRun=All Pod from its template, as returned"}


def _action(before, after, dry_run: bool) -> str:
    if before is None:
        return "created"
    if not dry_run:
        same = (before.get("metadata") or {}).get("resourceVersion") == (after.get("metadata") or {}).get("resourceVersion")
        return "unchanged" if same else "configured"
    return "unchanged" if _content(before) == _content(after) else "configured"


def _content(obj: Dict[str, Any]) -> Dict[str, Any]:
    out = copy.deepcopy(obj)
    md = out.get("metadata") or {}
    for key in ("managedFields", "resourceVersion", "generation"):
        md.pop(key, None)
    return out


def _template(obj: Optional[Dict[str, Any]]):
    from simulator.kube.objects import WORKLOAD_TEMPLATES, dig

    if obj is None:
        return None
    return dig(obj, WORKLOAD_TEMPLATES.get(obj.get("kind"), ("spec", "template")))


def _key(obj: Dict[str, Any]):
    md = obj.get("metadata") or {}
    return obj.get("kind"), md.get("namespace", ""), md.get("name", "")


def _observed(observation) -> Dict[str, Any]:
    from .compare import container_names, has_sidecar

    pod = observation.pod
    md = pod.get("metadata") or {}
    return {"pod": md.get("name") or md.get("generateName"), "via": observation.via,
            "verdict": "injected" if has_sidecar(pod) else "not-injected",
            "containers": container_names(pod, "containers"),
            "initContainers": container_names(pod, "initContainers")}


def _predicted(expl) -> Dict[str, Any]:
    from ..printers.structured import decided_by_data
    from .compare import container_names

    pod = expl.pod if expl.verdict.value == "injected" else expl.original_pod
    return {"verdict": expl.verdict.value, "decidedBy": decided_by_data(expl),
            "containers": container_names(pod or {}, "containers"),
            "initContainers": container_names(pod or {}, "initContainers")}


def _decided(expl) -> str:
    from ..printers import words

    return words.decided(expl)


def _summary(pod: Optional[Dict[str, Any]], verdict: str) -> str:
    from .compare import container_names

    pod = pod or {}
    init = container_names(pod, "initContainers")
    return (f"{verdict}; containers: {', '.join(container_names(pod, 'containers'))}"
            + (f"; init containers: {', '.join(init)}" if init else ""))


def _difference_text(d: Dict[str, Any]) -> str:
    import json

    def show(side: str) -> str:
        return json.dumps(d[side], sort_keys=True)[:300] if side in d else "(absent)"

    return f"{d['path'] or '/'}: predicted {show('predicted')}, observed {show('observed')}"


def _public(item: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}
