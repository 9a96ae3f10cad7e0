"""The scenarios both sides are asked about: the shared acceptance cases, the Istio truth-table matrix, and
focused groups for matchConditions, rules and label selectors.

A scenario is a world (namespaces with labels, MutatingWebhookConfigurations, other cluster objects the
simulator may want) plus one pod created in one namespace.  Scenarios of one group share their webhook
configurations, so the real apiserver installs each set once.
"""

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from tests import paths

from . import istio_mwcs

REPO = paths.REPO
CASES_DIR = paths.SHARED / "cases"

ABSENT = None


@dataclass
class Scenario:
    id: str
    group: str
    namespaces: Dict[str, Dict[str, str]]   # every namespace of the world -> its labels
    mwcs: List[dict]
    namespace: str                           # where the pod is created
    pod: dict
    extra: List[dict] = field(default_factory=list)   # other cluster objects, for the simulator only


def _pod(name, labels=None):
    meta = {"name": name}
    if labels is not None:
        meta["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "app", "image": "registry.example/app:1"}]}}


# -- the shared acceptance cases ---------------------------------------------------------------------

def pod_from_input(obj):
    """The pod a controller would create for a workload, or the pod itself; webhooks only ever see pods."""
    import copy

    if obj.get("kind") == "Pod":
        pod = copy.deepcopy(obj)
        pod["metadata"].pop("namespace", None)
        return pod
    template = copy.deepcopy((obj.get("spec") or {}).get("template")
                             or ((obj.get("spec") or {}).get("jobTemplate") or {}).get("spec", {}).get("template")
                             or {})
    meta = template.get("metadata") or {}
    meta.pop("namespace", None)
    meta["name"] = "%s-from-template" % obj["metadata"]["name"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec") or {}}


def case_scenarios(cases_dir=CASES_DIR):
    import yaml

    out = []
    for path in sorted(Path(cases_dir).glob("*.yaml")):
        case = yaml.safe_load(path.read_text())
        cluster = case.get("cluster") or []
        namespaces = {o["metadata"]["name"]: (o["metadata"].get("labels") or {})
                      for o in cluster if o.get("kind") == "Namespace"}
        mwcs = [o for o in cluster if o.get("kind") == "MutatingWebhookConfiguration"]
        extra = [o for o in cluster if o.get("kind") not in ("Namespace", "MutatingWebhookConfiguration")]
        out.append(Scenario("case/" + path.stem, "case", namespaces, mwcs, case["namespace"],
                            pod_from_input(case["input"]), extra))
    return out


# -- the Istio truth table (istio-injection-facts.md §2.3) ---------------------------------------------

def istio_matrix():
    """Namespace istio-injection x istio.io/rev, pod sidecar.istio.io/inject x istio.io/rev, default + canary."""
    mwcs = [istio_mwcs.revision_mwc(""), istio_mwcs.revision_mwc("canary")]
    ns_injection = [ABSENT, "enabled", "disabled"]
    ns_rev = [ABSENT, "default", "canary"]
    pod_inject = [ABSENT, "true", "false", "yes"]
    pod_rev = [ABSENT, "default", "canary"]
    namespaces = {}
    for inj, rev in itertools.product(ns_injection, ns_rev):
        labels = {}
        if inj is not ABSENT:
            labels["istio-injection"] = inj
        if rev is not ABSENT:
            labels["istio.io/rev"] = rev
        namespaces["tt-inj-%s-rev-%s" % (inj or "none", rev or "none")] = labels
    out = []
    for ns in namespaces:
        for inj, rev in itertools.product(pod_inject, pod_rev):
            labels = {"app": "web"}
            if inj is not ABSENT:
                labels["sidecar.istio.io/inject"] = inj
            if rev is not ABSENT:
                labels["istio.io/rev"] = rev
            name = "pod-inject-%s-rev-%s" % (inj or "none", rev or "none")
            out.append(Scenario("truth-table/%s/%s" % (ns, name), "truth-table", namespaces, mwcs, ns,
                                _pod(name, labels)))
    return out


def istio_auto_and_tags():
    """enableNamespacesByDefault (the auto. webhook, which names system namespaces) and revision tags."""
    out = []
    auto = [istio_mwcs.revision_mwc("", enable_namespaces_by_default=True)]
    namespaces = {"kube-system": {}, "kube-public": {}, "auto-plain": {}, "auto-enabled": {"istio-injection": "enabled"},
                  "auto-rev-default": {"istio.io/rev": "default"}}
    pods = [_pod("plain", {"app": "x"}), _pod("opt-in", {"sidecar.istio.io/inject": "true"}),
            _pod("opt-out", {"sidecar.istio.io/inject": "false"}), _pod("rev-default", {"istio.io/rev": "default"}),
            _pod("no-labels")]
    for ns in namespaces:
        for pod in pods:
            out.append(Scenario("auto/%s/%s" % (ns, pod["metadata"]["name"]), "auto", namespaces, auto, ns, pod))
    tags = [istio_mwcs.revision_mwc(""), istio_mwcs.revision_mwc("canary"),
            istio_mwcs.tag_mwc("default", ""), istio_mwcs.tag_mwc("prod", "canary")]
    namespaces = {"tag-prod": {"istio.io/rev": "prod"}, "tag-default": {"istio.io/rev": "default"},
                  "tag-enabled": {"istio-injection": "enabled"}, "tag-plain": {}}
    pods = [_pod("plain", {"app": "x"}), _pod("rev-prod", {"istio.io/rev": "prod"}),
            _pod("rev-default", {"istio.io/rev": "default"}), _pod("opt-in", {"sidecar.istio.io/inject": "true"}),
            _pod("opt-out", {"sidecar.istio.io/inject": "false"})]
    for ns in namespaces:
        for pod in pods:
            out.append(Scenario("tags/%s/%s" % (ns, pod["metadata"]["name"]), "tags", namespaces, tags, ns, pod))
    return out


# -- focused groups --------------------------------------------------------------------------------

def _mwc(name, webhooks):
    return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": name}, "webhooks": webhooks}


POD_RULE = {"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}


def _hook(name, rules=None, failure_policy="Ignore", **extra):
    wh = {"name": name, "clientConfig": {"url": "https://webhook.invalid/" + name},
          "rules": [POD_RULE] if rules is None else rules,
          "sideEffects": "None", "admissionReviewVersions": ["v1"]}
    if failure_policy is not None:
        wh["failurePolicy"] = failure_policy
    wh.update(extra)
    return wh


def _errors_if_label(key):
    # Division by zero is a CEL runtime error; `||` short-circuits, so only pods with the label error.
    return "!('%s' in object.metadata.labels) || size(object.metadata.labels['%s']) / 0 == 1" % (key, key)


_NOT_OFF = {"name": "not-switched-off", "expression": "!('mc-off' in object.metadata.labels)"}


def _cond(name, expression):
    return {"name": name, "expression": expression}


def match_condition_scenarios():
    cond = _cond

    before = _mwc("mc-0-before", [_hook("before.mc.example.com", matchConditions=[cond("always", "true")])])
    main = _mwc("mc-a-conditions", [
        _hook("always.mc.example.com", matchConditions=[cond("always", "true")]),
        _hook("never.mc.example.com", matchConditions=[cond("never", "false")]),
        _hook("fail.mc.example.com", failure_policy="Fail",
              matchConditions=[cond("errors-if-mc-fail", _errors_if_label("mc-fail")), _NOT_OFF]),
        _hook("ignore.mc.example.com", failure_policy="Ignore",
              matchConditions=[cond("errors-if-mc-ignore", _errors_if_label("mc-ignore")), _NOT_OFF]),
        _hook("default-policy.mc.example.com", failure_policy=None,
              matchConditions=[cond("errors-if-mc-default", _errors_if_label("mc-default")), _NOT_OFF]),
        _hook("label-value.mc.example.com",
              matchConditions=[cond("tier-is-gold", "object.metadata.labels['tier'] == 'gold'")]),
        _hook("label-guarded.mc.example.com",
              matchConditions=[cond("has-labels", "has(object.metadata.labels)"),
                               cond("tier-gold", "'tier' in object.metadata.labels && "
                                                 "object.metadata.labels['tier'] == 'gold'")]),
        _hook("container-count.mc.example.com",
              matchConditions=[cond("one-container", "size(object.spec.containers) == 1")]),
    ])
    after = _mwc("mc-b-after", [_hook("after.mc.example.com", matchConditions=[cond("always", "true")])])
    mwcs = [before, main, after]
    namespaces = {"mc": {}}
    variants = {
        "plain": {"app": "mc"},
        "gold": {"app": "mc", "tier": "gold"},
        "silver": {"app": "mc", "tier": "silver"},
        "fail-errors": {"app": "mc", "mc-fail": "x"},
        "fail-errors-but-off": {"app": "mc", "mc-fail": "x", "mc-off": "x"},
        "ignore-errors": {"app": "mc", "mc-ignore": "x", "tier": "gold"},
        "ignore-errors-but-off": {"app": "mc", "mc-ignore": "x", "mc-off": "x"},
        "default-policy-errors": {"app": "mc", "mc-default": "x"},
        "default-policy-errors-but-off": {"app": "mc", "mc-default": "x", "mc-off": "y"},
        "off": {"app": "mc", "mc-off": "x"},
        "no-labels": None,
    }
    return [Scenario("match-conditions/" + name, "match-conditions", namespaces, mwcs, "mc",
                     _pod("mc-" + name, labels)) for name, labels in variants.items()]


def cel_environment_scenarios():
    """What matchConditions can see: request fields, and the object after API defaulting and the in-tree
    mutating plugins (ServiceAccount, Priority, DefaultTolerationSeconds) that run before the webhooks."""
    checks = {
        "request-operation": "request.operation == 'CREATE'",
        "request-kind": "request.kind.group == '' && request.kind.version == 'v1' && request.kind.kind == 'Pod'",
        "request-resource": "request.resource.resource == 'pods' && request.requestResource.resource == 'pods'",
        "request-subresource-empty": "request.subResource == ''",
        "request-has-subresource": "has(request.subResource)",
        "request-name": "request.name == object.metadata.name",
        "request-name-empty": "request.name == ''",
        "request-namespace": "request.namespace == object.metadata.namespace",
        "namespace-object-null": "namespaceObject == null",
        "namespace-object-field": "namespaceObject.metadata.name != ''",
        "old-object-null": "oldObject == null",
        "object-has-name": "has(object.metadata.name)",
        "service-account-defaulted": "object.spec.serviceAccountName == 'default'",
        "token-volume-mounted": "object.spec.volumes.exists(v, v.name.startsWith('kube-api-access-'))",
        "default-tolerations": "object.spec.tolerations.exists(t, t.key == 'node.kubernetes.io/not-ready' "
                               "&& t.tolerationSeconds == 300)",
        "priority-defaulted": "object.spec.priority == 0",
        "restart-policy-defaulted": "object.spec.restartPolicy == 'Always'",
        "dns-policy-defaulted": "object.spec.dnsPolicy == 'ClusterFirst'",
        "scheduler-defaulted": "object.spec.schedulerName == 'default-scheduler'",
        "pull-policy-defaulted": "object.spec.containers[0].imagePullPolicy == 'IfNotPresent'",
        "termination-path-defaulted": "object.spec.containers[0].terminationMessagePath == '/dev/termination-log'",
        "protocol-defaulted": "object.spec.containers[0].ports[0].protocol == 'TCP'",
    }
    hooks = [_hook("%s.cel.example.com" % name, matchConditions=[_cond("check", expr)])
             for name, expr in checks.items()]
    mwcs = [_mwc("cel-environment", hooks)]
    named = _pod("cel-named", {"app": "cel"})
    named["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    generated = _pod("unused", {"app": "cel"})
    del generated["metadata"]["name"]
    generated["metadata"]["generateName"] = "cel-generated-"
    generated["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    return [Scenario("cel-environment/" + name, "cel-environment", {"cel": {}}, mwcs, "cel", pod)
            for name, pod in (("named", named), ("generate-name", generated))]


def rules_scenarios():
    def rule(ops=("CREATE",), groups=("",), versions=("v1",), resources=("pods",), scope=None):
        r = {"operations": list(ops), "apiGroups": list(groups), "apiVersions": list(versions),
             "resources": list(resources)}
        if scope is not None:
            r["scope"] = scope
        return r

    variants = [
        ("op-create", [rule()]), ("op-update", [rule(ops=["UPDATE"])]), ("op-delete", [rule(ops=["DELETE"])]),
        ("op-connect", [rule(ops=["CONNECT"])]), ("op-star", [rule(ops=["*"])]),
        ("op-update-delete", [rule(ops=["UPDATE", "DELETE"])]),
        ("res-pods-slash-star", [rule(resources=["pods/*"])]), ("res-pods-status", [rule(resources=["pods/status"])]),
        ("res-pods-exec", [rule(ops=["CONNECT", "CREATE"], resources=["pods/exec"])]),
        ("res-pods-ephemeral", [rule(ops=["UPDATE"], resources=["pods/ephemeralcontainers"])]),
        ("res-star", [rule(resources=["*"])]), ("res-star-slash-star", [rule(resources=["*/*"])]),
        ("res-star-status", [rule(resources=["*/status"])]),
        ("res-star-and-pods-status", [rule(resources=["*", "pods/status"])]),
        ("res-deployments", [rule(groups=["apps"], resources=["deployments"])]),
        ("res-pods-and-services", [rule(resources=["services", "pods"])]),
        ("res-podtemplates", [rule(resources=["podtemplates"])]),
        ("group-apps", [rule(groups=["apps"])]), ("group-star", [rule(groups=["*"])]),
        ("group-core-and-apps", [rule(groups=["apps", ""])]),
        ("version-v2", [rule(versions=["v2"])]), ("version-star", [rule(versions=["*"])]),
        ("version-v1beta1", [rule(versions=["v1beta1"])]),
        ("scope-namespaced", [rule(scope="Namespaced")]), ("scope-cluster", [rule(scope="Cluster")]),
        ("scope-star", [rule(scope="*")]),
        ("two-rules-second-matches", [rule(ops=["UPDATE"]), rule()]),
        ("two-rules-none-matches", [rule(ops=["DELETE"]), rule(resources=["services"])]),
        ("all-stars", [rule(ops=["*"], groups=["*"], versions=["*"], resources=["*/*"], scope="*")]),
        ("no-rules", []),
    ]
    hooks = [_hook("%s.rules.example.com" % name, rules=rules) for name, rules in variants]
    exact = _hook("match-policy-exact.rules.example.com", matchPolicy="Exact")
    equivalent_v2 = _hook("match-policy-equivalent-v2.rules.example.com", rules=[rule(versions=["v2"])],
                          matchPolicy="Equivalent")
    mwcs = [_mwc("rules-test", hooks + [exact, equivalent_v2])]
    namespaces = {"rules": {}}
    return [Scenario("rules/pod-create", "rules", namespaces, mwcs, "rules", _pod("rules-pod", {"app": "r"}))]


def selector_scenarios():
    def sel(match_labels=None, *exprs):
        s = {}
        if match_labels is not None:
            s["matchLabels"] = match_labels
        if exprs:
            s["matchExpressions"] = [dict(zip(("key", "operator", "values"), e)) if len(e) == 3 else
                                     {"key": e[0], "operator": e[1]} for e in exprs]
        return s

    ns_selectors = {
        "ns-in": sel(None, ("env", "In", ["prod", "staging"])),
        "ns-notin": sel(None, ("env", "NotIn", ["prod"])),
        "ns-exists": sel(None, ("env", "Exists")),
        "ns-does-not-exist": sel(None, ("env", "DoesNotExist")),
        "ns-match-labels": sel({"env": "prod"}),
        "ns-empty-value": sel({"env": ""}),
        "ns-in-empty-value": sel(None, ("env", "In", [""])),
        "ns-and": sel({"team": "a"}, ("env", "In", ["prod", "dev"])),
        "ns-same-key-twice": sel(None, ("env", "In", ["prod", "staging"]), ("env", "NotIn", ["staging"])),
        "ns-by-name": sel(None, ("kubernetes.io/metadata.name", "In", ["sel-prod-a", "sel-none"])),
        "ns-empty": {},
    }
    obj_selectors = {
        "obj-in": sel(None, ("app", "In", ["a", "b"])),
        "obj-notin": sel(None, ("app", "NotIn", ["a"])),
        "obj-exists": sel(None, ("app", "Exists")),
        "obj-does-not-exist": sel(None, ("app", "DoesNotExist")),
        "obj-match-labels": sel({"app": "a"}),
        "obj-empty-value": sel({"app": ""}),
        "obj-and": sel({"role": "api"}, ("app", "Exists")),
        "obj-same-key-twice": sel(None, ("app", "NotIn", ["c"]), ("app", "Exists")),
        "obj-empty": {},
    }
    hooks = [_hook("%s.selectors.example.com" % n, namespaceSelector=s) for n, s in ns_selectors.items()]
    hooks += [_hook("%s.selectors.example.com" % n, objectSelector=s) for n, s in obj_selectors.items()]
    hooks.append(_hook("both.selectors.example.com", namespaceSelector=sel(None, ("env", "NotIn", ["dev"])),
                       objectSelector=sel(None, ("app", "In", ["b", "c"]))))
    mwcs = [_mwc("selectors-test", hooks)]
    namespaces = {"sel-prod-a": {"env": "prod", "team": "a"}, "sel-staging": {"env": "staging"},
                  "sel-dev-a": {"env": "dev", "team": "a"}, "sel-empty-env": {"env": ""}, "sel-none": {}}
    pods = {"app-a": {"app": "a"}, "app-b-api": {"app": "b", "role": "api"}, "app-c": {"app": "c"},
            "app-empty": {"app": ""}, "no-app": {"role": "api"}, "no-labels": None}
    return [Scenario("selectors/%s/%s" % (ns, p), "selectors", namespaces, mwcs, ns, _pod(p, labels))
            for ns in namespaces for p, labels in pods.items()]


def all_scenarios():
    return (case_scenarios() + istio_matrix() + istio_auto_and_tags() + match_condition_scenarios()
            + cel_environment_scenarios() + rules_scenarios() + selector_scenarios())
