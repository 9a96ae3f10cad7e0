"""Run scenarios on both sides and line the answers up.

The real side resolves namespace names first (see realside.resolve_namespaces); the simulator is then given
the very same renamed world, so both sides always answer the same question.
"""

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import List, Optional, Tuple

from . import simside


@dataclass
class Resolved:
    scenario: object
    namespaces: dict        # live name -> labels
    namespace: str          # live name of the pod's namespace
    extra: list

    @property
    def state_key(self):
        return json.dumps([self.namespaces, self.scenario.mwcs, self.extra], sort_keys=True)


@dataclass
class Result:
    id: str
    namespace: str
    real_called: List[Tuple[str, str]]
    real_rejected: bool
    real_message: Optional[str]
    sim_called: Optional[List[Tuple[str, str]]] = None
    sim_rejected: Optional[bool] = None
    sim_verdict: Optional[str] = None

    @property
    def agrees(self):
        # Mutating webhooks run one after another, so the order of the calls is compared as well.
        return (_first_seen(self.real_called) == _first_seen(self.sim_called or ())
                and self.real_rejected == self.sim_rejected)

    def describe(self):
        real, sim = set(self.real_called), set(self.sim_called or ())
        lines = ["%s (namespace %s)" % (self.id, self.namespace)]
        for c, w in sorted(real - sim):
            lines.append("  only the real apiserver called %s/%s" % (c, w))
        for c, w in sorted(sim - real):
            lines.append("  only the simulator called %s/%s" % (c, w))
        if real == sim and _first_seen(self.real_called) != _first_seen(self.sim_called or ()):
            lines.append("  same webhooks, different order: real %s, simulator %s"
                         % (_first_seen(self.real_called), _first_seen(self.sim_called or ())))
        if self.real_rejected != self.sim_rejected:
            lines.append("  rejected: real=%s (%s) simulator=%s (verdict %s)"
                         % (self.real_rejected, self.real_message, self.sim_rejected, self.sim_verdict))
        return "\n".join(lines)


def _first_seen(calls):
    out = []
    for c in calls:
        if c not in out:
            out.append(tuple(c))
    return out


def _rename_in_extra(extra, mapping):
    out = []
    for obj in extra:
        obj = json.loads(json.dumps(obj))
        ns = (obj.get("metadata") or {}).get("namespace")
        if ns in mapping:
            obj["metadata"]["namespace"] = mapping[ns]
        out.append(obj)
    return out


def run_real(real, scenarios):
    """Result (real half filled in) and Resolved world for every scenario, grouped to install each set once."""
    results, resolved = OrderedDict(), OrderedDict()
    groups = OrderedDict()
    for s in scenarios:
        groups.setdefault(json.dumps(s.mwcs, sort_keys=True), []).append(s)
    for members in groups.values():
        real.install(members[0].mwcs)
        for s in members:
            wanted = dict(s.namespaces)
            wanted.setdefault(s.namespace, {})
            mapping = real.resolve_namespaces(wanted)
            live_ns = mapping[s.namespace]
            outcome = real.create_pod(live_ns, s.pod)
            resolved[s.id] = Resolved(s, {mapping[n]: wanted[n] for n in wanted}, live_ns,
                                      _rename_in_extra(s.extra, mapping))
            results[s.id] = Result(s.id, live_ns, outcome.called, outcome.rejected, outcome.message)
    return results, resolved


def run_simulator(results, resolved):
    """Fill in the simulator half, one CLI run per (world, namespace)."""
    batches = OrderedDict()
    for sid, r in resolved.items():
        batches.setdefault((r.state_key, r.namespace), []).append(sid)
    for ids in batches.values():
        first = resolved[ids[0]]
        namespace = first.namespace
        state = simside.cluster_state(first.namespaces, first.scenario.mwcs, first.extra)
        outcomes = simside.explain(state, namespace, [resolved[i].scenario.pod for i in ids])
        for sid, o in zip(ids, outcomes):
            results[sid].sim_called = o.called
            results[sid].sim_rejected = o.rejected
            results[sid].sim_verdict = o.verdict
    return results
