"""The watches of one `kubectl inject watch`, and the one thread that handles what they bring.

Every watch is a Reflector (plugin/kube/reflector.py) in its own thread, putting what it gets on one queue;
this module's loop takes them off in order, so the state and the pods are never handled at the same time:
- the state's kinds (plugin/state/mirror.py): each change may make a new snapshot;
- pods (watched from "now"): an ADDED pod not seen before is predicted and compared (created.py);
- FailedCreate Events (field selector reason=FailedCreate): one naming an injector webhook, whose count grew,
  is reported (failures.py).

No event is reported twice and none is lost: a watch resumes from the last resourceVersion it saw, and the
pods' and events' uids seen are remembered (bounded: a deleted pod is forgotten, and past the limit the
oldest go first). After 410 Gone the reflector lists again, and what the list has that was not seen, and
was created since the watch began, is reported then. A pod both created and deleted during a gap that ends
in 410 Gone cannot be seen by anyone and is not reported.
"""
from __future__ import annotations

import calendar
import json
import queue
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from ..kube import resources as r
from .bounded import Bounded

#: How many uids, owners and predictions are remembered (a pod's uid is ~100 bytes with its entry).
LIMITS = {"pods": 100_000, "events": 20_000, "owners": 512, "predictions": 256}
#: Seconds to wait for the first lists before giving up.
START_SECONDS = 60


class WatchError(Exception):
    """The watch cannot go on (the first lists failed, pods may not be watched): one line, exit 2."""


def timestamp(text: Optional[str]) -> Optional[float]:
    """Seconds since the epoch of a metav1.Time ("2026-12-02T07:58:19Z"), None when unreadable."""
    if not text:
        return None
    try:
        return float(calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return None


class Session:
    """`namespaces`: the pods' and events' namespaces (None: every one). `emit(record)` is called for every
    pod-created and create-failed record, from the thread that calls `run`."""

    def __init__(self, client, namespaces: Optional[Sequence[str]], environ: Mapping[str, str],
                 emit: Callable[[Dict[str, Any]], None], warn: Callable[[str], None],
                 log: Optional[Callable[[str], None]] = None, clock: Callable[[], float] = time.time,
                 limits: Optional[Mapping[str, int]] = None, reflector_options: Optional[Mapping[str, Any]] = None):
        from simulator import EngineCache

        from ..runtime.treecache import DiskTreeCache
        from ..state.mirror import StateMirror

        self.client = client
        self.namespaces = None if namespaces is None else list(namespaces)
        self.emit = emit
        self.warn = warn
        self.log = log
        self.clock = clock
        self.limits = dict(LIMITS, **(limits or {}))
        self.reflector_options = dict(reflector_options or {})
        self.mirror = StateMirror(namespaces, f"live: {client.connection.name}")
        self.queue: queue.Queue = queue.Queue()
        self.reflectors: List[Any] = []
        self.roles: Dict[int, str] = {}
        self.pods_seen = Bounded(self.limits["pods"])
        self.event_counts = Bounded(self.limits["events"])
        self.owners = Bounded(self.limits["owners"])
        self.predictions = Bounded(self.limits["predictions"])
        self.cache = EngineCache(trees=DiskTreeCache.for_environment(environ))
        self.started_at: Optional[float] = None
        self.counts = {"pod-created": 0, "create-failed": 0, "disagreements": 0, "duplicates": 0, "relisted": 0}
        self.configmap_namespaces: set = set()

    # -- the watches ---------------------------------------------------------------------------------

    def _reflect(self, resource, namespace, role: str, **kw):
        from ..kube.reflector import Reflector

        reflector = Reflector(self.client, resource, namespace, self._sink, **dict(self.reflector_options, **kw))
        self.reflectors.append(reflector)
        self.roles[id(reflector)] = role
        reflector.start()
        return reflector

    def _sink(self, reflector, kind: str, payload) -> None:
        self.queue.put((reflector, kind, payload))

    def start(self) -> None:
        """The state read, then the pods and events watched from now; raises WatchError or LiveError."""
        waiting = [self._reflect(res, ns, "state") for res, ns in self.mirror.scopes()]
        self._await(waiting)
        self._await(self._configmap_reflectors())
        self.mirror.synced()
        self.started_at = float(int(self.clock()))      # whole seconds, as creationTimestamps are
        scope = [None] if self.namespaces is None else self.namespaces
        waiting = [self._reflect(r.PODS, ns, "pods", full_list=False) for ns in scope]
        waiting += [self._reflect(r.EVENTS, ns, "events", field_selector="reason=FailedCreate") for ns in scope]
        self._await(waiting)

    def _configmap_reflectors(self) -> list:
        wanted = self.mirror.control_plane_namespaces() - self.configmap_namespaces
        self.configmap_namespaces |= wanted
        return [self._reflect(r.CONFIGMAPS, ns, "state") for ns in sorted(wanted)]

    def _await(self, reflectors) -> None:
        pending = {id(x) for x in reflectors}
        deadline = time.monotonic() + START_SECONDS
        while pending:
            try:
                message = self.queue.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                raise WatchError(f"the first lists did not finish within {START_SECONDS} s") from None
            reflector, kind, payload = message
            if id(reflector) in pending and kind == "BROKEN":
                from ..kube.client import LiveError

                raise LiveError(payload)
            if id(reflector) in pending and kind in ("LISTED", "FAILED"):
                pending.discard(id(reflector))
            self.handle(message)

    def stop(self) -> None:
        for reflector in self.reflectors:
            reflector.stop()
        for reflector in self.reflectors:
            reflector.join(2.0)

    def run(self, seconds: Optional[float] = None) -> None:
        """Handle what the watches bring until `seconds` have passed (None: until interrupted)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            if wait <= 0:
                return
            try:
                message = self.queue.get(timeout=wait)
            except queue.Empty:
                continue
            self.handle(message)

    def drain(self) -> None:
        """Handle what is already queued (tests, and the benchmark's end)."""
        while True:
            try:
                message = self.queue.get_nowait()
            except queue.Empty:
                return
            self.handle(message)

    # -- what they bring -------------------------------------------------------------------------------

    def handle(self, message) -> None:
        reflector, kind, payload = message
        role = self.roles.get(id(reflector), "state")
        if kind == "BROKEN":
            if self.log is not None:
                self.log(f"the watch of {reflector.name} broke ({payload}); resuming from resourceVersion "
                         f"{reflector.version or '(a new list)'}")
            return
        if kind == "FAILED":
            self._failed(reflector, role, payload)
            return
        if role == "state":
            if kind == "LISTED":
                items, _first, version = payload
                self.mirror.listed(reflector.resource, reflector.namespace, items or [], version)
            else:
                self.mirror.apply(kind, payload)
            if reflector.resource is r.MUTATINGWEBHOOKCONFIGURATIONS and self.started_at is not None:
                self._configmap_reflectors()      # a webhook naming a new control-plane namespace
        elif role == "pods":
            self._pods(kind, payload)
        else:
            self._events(kind, payload)

    def _failed(self, reflector, role: str, error) -> None:
        from ..kube.client import Forbidden

        if role == "pods":
            raise WatchError(f"cannot watch pods: {error}")
        if not isinstance(error, Forbidden):
            self.warn(f"the watch of {reflector.name} stopped: {error}")
            return
        if role == "events":
            what = "FailedCreate events are not reported"
        else:
            self.mirror.refused(reflector.resource, reflector.namespace, error)
            what = self.mirror.refusals[-1]["unknown"]
        where = f" in namespace {reflector.namespace}" if reflector.namespace else ""
        self.warn(f"forbidden to watch {reflector.resource.display}{where}: {what}")

    def _pods(self, kind: str, payload) -> None:
        if kind == "LISTED":
            items, first, _version = payload
            if first or items is None:
                return
            listed = set()
            for pod in items:                   # after 410 Gone: what was created during the gap
                uid = (pod.get("metadata") or {}).get("uid", "")
                listed.add(uid)
                created = timestamp((pod.get("metadata") or {}).get("creationTimestamp"))
                if uid not in self.pods_seen and created is not None and created >= self.started_at:
                    self.counts["relisted"] += 1
                    self._created(pod)
            for uid in [u for u in self.pods_seen if u not in listed]:
                del self.pods_seen[uid]           # deleted during the gap
            return
        uid = (payload.get("metadata") or {}).get("uid", "")
        if kind == "DELETED":
            self.pods_seen.pop(uid, None)
        elif kind == "ADDED":
            if uid in self.pods_seen:
                self.counts["duplicates"] += 1
                return
            self._created(payload)

    def _created(self, pod) -> None:
        from .created import owner_key, pod_created

        uid = (pod.get("metadata") or {}).get("uid", "")
        self.pods_seen[uid] = True
        key = owner_key(pod)
        owner = self._owner(key) if key else None
        record = pod_created(pod, owner, self._predict)
        self.counts["pod-created"] += 1
        if record.get("agrees") is False:
            self.counts["disagreements"] += 1
        self.emit(record)

    def _events(self, kind: str, payload) -> None:
        from .failures import injector_webhook_of

        if kind == "LISTED":
            items, first, _version = payload
            for event in items or []:
                if first:                       # failures from before the watch began: not reported
                    self.event_counts[(event.get("metadata") or {}).get("uid", "")] = int(event.get("count") or 1)
                else:
                    self._event(event, webhook=injector_webhook_of(event))
            return
        uid = (payload.get("metadata") or {}).get("uid", "")
        if kind == "DELETED":
            self.event_counts.pop(uid, None)
            return
        self._event(payload, injector_webhook_of(payload))

    def _event(self, event, webhook: Optional[str]) -> None:
        from .failures import create_failed

        md = event.get("metadata") or {}
        uid = md.get("uid", "")
        count = int(event.get("count") or 1)
        last = self.event_counts.get(uid)
        if last is not None and count <= last:
            return
        self.event_counts[uid] = count
        if webhook is None:
            return
        if last is None:
            seen = timestamp(event.get("lastTimestamp") or event.get("eventTime") or md.get("creationTimestamp"))
            if seen is not None and seen < self.started_at:
                return
        involved = event.get("involvedObject") or {}
        owner = self._owner((involved.get("kind", ""), involved.get("namespace") or md.get("namespace", ""),
                             involved.get("name", ""), involved.get("uid", ""), ""))
        prediction = None
        if owner is not None:
            from ..workloads.assess import controller_pod

            pod = controller_pod(owner, {})
            if pod is not None:
                prediction = self._predict(pod, involved.get("namespace") or md.get("namespace", ""),
                                           md.get("resourceVersion"))
        _state, live = self.mirror.state_at(md.get("resourceVersion"))
        self.counts["create-failed"] += 1
        self.emit(create_failed(event, webhook, live.objects, prediction))

    # -- owners and predictions ------------------------------------------------------------------------

    def _owner(self, key):
        """The controller object (cached by uid and template revision), or None when it cannot be read."""
        from ..kube.client import LiveError
        from ..workloads.read import CONTROLLERS

        if key in self.owners:
            return self.owners[key]
        kind, namespace, name, _uid, _revision = key
        resource = CONTROLLERS.get(kind)
        owner = None
        if resource is not None:
            try:
                owner = self.client.get(resource, name, namespace)
            except LiveError:
                owner = None
        if owner is not None and key[3] and (owner.get("metadata") or {}).get("uid") != key[3]:
            owner = None            # deleted and made again under the same name: not the pod's controller
        self.owners[key] = owner
        return owner

    def _predict(self, obj, namespace: str, version: Optional[str]):
        """The explanation of `obj` against the state at `version`, or why there is none (a string)."""
        from simulator import Options, SimulatorError, explain

        from ..workloads.assess import NEEDED_FOR_PREDICTION

        state, live = self.mirror.state_at(version)
        refused = sorted({x["kind"] for x in live.refusals} & set(NEEDED_FOR_PREDICTION))
        if refused:
            return "cannot be predicted: " + ", ".join(refused) + " could not be read"
        key = (json.dumps(obj, sort_keys=True), namespace)
        hit = self.predictions.get(key)
        if hit is not None and hit[0] is state:
            return hit[1]
        try:
            explanation = explain(obj, namespace, state, Options(hints=False, admission_defaults=True), self.cache)
        except SimulatorError as e:
            return f"the simulator cannot explain it: {e}"
        self.predictions[key] = (state, explanation)
        return explanation
