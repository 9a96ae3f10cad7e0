"""Pods whose defaulted, plugin-mutated form the real kube-apiserver is asked for (test_defaults_parity.py).

Each case is one pod created in its own fresh namespace, plus the objects that namespace (or the cluster)
holds when it is created.  The same objects, and the `default` ServiceAccount every namespace gets, are the
cluster state handed to `simulator.kube.admission.chain.prepare_for_webhooks`, so both sides answer the same
question.  Pure data: tests/test_admission_chain.py replays the recorded answers without an apiserver.
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional

DIGEST = "sha256:" + "4f" * 32
CAPTURE_LABEL = "defaults-parity.kubectl-inject.test/capture"


@dataclass
class Case:
    id: str
    pod: dict
    namespaced: List[dict] = field(default_factory=list)      # ServiceAccounts, LimitRanges in the namespace
    cluster_scoped: List[dict] = field(default_factory=list)  # PriorityClasses, RuntimeClasses
    expect_rejection: bool = False
    after_webhooks: str = ""   # why the dry-run response differs beyond the registry's usual fields

    @property
    def namespace(self):
        return ("dp-" + self.id)[:63]


def _pod(name="app", containers=None, generate_name=None, **spec):
    meta = {"generateName": generate_name} if generate_name else {"name": name}
    body = {"containers": containers or [{"name": "app", "image": "registry.example/app:1"}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": body}


def _sa(name, **fields):
    obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}
    obj.update(fields)
    return obj


def _c(name, image="registry.example/app:1", **fields):
    c = {"name": name, "image": image}
    c.update(fields)
    return c


LIMIT_RANGE = {
    "apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults"},
    "spec": {"limits": [
        {"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"}, "defaultRequest": {"cpu": "100m"},
         "max": {"ephemeral-storage": "2Gi"}},
        {"type": "Pod", "max": {"cpu": "4"}},
    ]},
}

PRIORITY_CLASS = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "dp-high"},
                  "value": 1000, "preemptionPolicy": "Never"}

RUNTIME_CLASS = {
    "apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "dp-sandboxed"}, "handler": "runsc",
    "overhead": {"podFixed": {"cpu": "250m", "memory": "120Mi"}},
    "scheduling": {"nodeSelector": {"sandbox": "gvisor"},
                   "tolerations": [{"key": "sandbox", "operator": "Exists", "effect": "NoSchedule"}]},
}

SECRET_VOLUME = {"name": "creds", "secret": {"secretName": "not-listed"}}


def cases() -> List[Case]:
    out = [
        Case("bare", _pod()),
        Case("generate-name", _pod(generate_name="web-", containers=[_c("app", ports=[{"containerPort": 8080}])])),
        Case("image-pull-policies", _pod(containers=[
            _c("latest", "nginx:latest"), _c("untagged", "nginx"), _c("tagged", "nginx:1.27"),
            _c("digest", "nginx@" + DIGEST), _c("latest-and-digest", "nginx:latest@" + DIGEST),
            _c("registry-port-untagged", "localhost:5000/team/app"), _c("registry-port-tagged", "localhost:5000/app:v2"),
            _c("uppercase-repo", "Registry.Example/App"), _c("explicit-never", "nginx:latest", imagePullPolicy="Never"),
            _c("tag-latest-uppercase", "nginx:LATEST"), _c("bad-digest", "nginx:latest@sha256:abc"),
        ])),
        Case("ports", _pod(containers=[_c("app", ports=[
            {"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}, {"name": "metrics", "containerPort": 9090},
        ])])),
        Case("init-containers", _pod(
            containers=[_c("app"), _c("own-token", volumeMounts=[{"name": "mine", "mountPath":
                                                                   "/var/run/secrets/kubernetes.io/serviceaccount"}])],
            initContainers=[_c("init-a", "busybox"), _c("init-b", "busybox:1.36", ports=[{"containerPort": 1}])],
            volumes=[{"name": "mine", "emptyDir": {}}])),
        Case("automount-off-pod", _pod(automountServiceAccountToken=False)),
        Case("automount-off-sa", _pod(serviceAccountName="quiet"),
             namespaced=[_sa("quiet", automountServiceAccountToken=False)]),
        Case("automount-off-sa-on-pod", _pod(serviceAccountName="quiet", automountServiceAccountToken=True),
             namespaced=[_sa("quiet", automountServiceAccountToken=False)]),
        Case("named-sa", _pod(serviceAccountName="builder"),
             namespaced=[_sa("builder", imagePullSecrets=[{"name": "regcred"}, {"name": "mirror"}])]),
        Case("named-sa-own-pull-secrets", _pod(serviceAccountName="builder", imagePullSecrets=[{"name": "mine"}]),
             namespaced=[_sa("builder", imagePullSecrets=[{"name": "regcred"}])]),
        Case("deprecated-service-account-field", _pod(serviceAccount="builder"), namespaced=[_sa("builder")]),
        Case("existing-token-volume", _pod(
            containers=[_c("app")], initContainers=[_c("init", "busybox")],
            volumes=[{"name": "kube-api-access-mine", "emptyDir": {}}])),
        Case("tolerations-not-ready", _pod(tolerations=[
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}])),
        Case("tolerations-everything", _pod(tolerations=[{"operator": "Exists"}])),
        Case("tolerations-other-effect", _pod(tolerations=[
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}])),
        Case("tolerations-any-effect", _pod(tolerations=[{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}])),
        Case("limit-range", _pod(
            containers=[_c("none"), _c("memory-request", resources={"requests": {"memory": "64Mi"}}),
                        _c("cpu-limit", resources={"limits": {"cpu": "1"}})],
            initContainers=[_c("init", "busybox")]), namespaced=[LIMIT_RANGE]),
        Case("limit-range-generate-name", _pod(generate_name="job-"), namespaced=[LIMIT_RANGE]),
        Case("misc-defaults", _pod(
            containers=[_c(
                "app",
                env=[{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                     {"name": "PLAIN", "value": "x"}],
                resources={"limits": {"cpu": "0.5", "memory": "1024Mi"}, "requests": {"cpu": "0.0001"}},
                livenessProbe={"httpGet": {"port": 8080}},
                readinessProbe={"tcpSocket": {"port": "http"}, "periodSeconds": 5},
                startupProbe={"grpc": {"port": 9000}},
                lifecycle={"preStop": {"httpGet": {"port": 8080, "path": "/quit"}}},
                ports=[{"name": "http", "containerPort": 8080}],
                volumeMounts=[{"name": "cfg", "mountPath": "/cfg"}])],
            volumes=[
                {"name": "cfg", "configMap": {"name": "cfg"}},
                {"name": "sec", "secret": {"secretName": "sec"}},
                {"name": "plain"},
                {"name": "host", "hostPath": {"path": "/tmp"}},
                {"name": "info", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
                {"name": "proj", "projected": {"sources": [
                    {"serviceAccountToken": {"path": "vault-token", "audience": "vault"}},
                    {"downwardAPI": {"items": [{"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]}}]}},
            ],
            restartPolicy="OnFailure", dnsPolicy="Default", terminationGracePeriodSeconds=5,
            securityContext={"runAsNonRoot": True}, enableServiceLinks=False)),
        Case("image-volume", _pod(volumes=[{"name": "tools", "image": {"reference": "registry.example/tools"}},
                                           {"name": "pinned", "image": {"reference": "registry.example/tools:v1"}}])),
        Case("ephemeral-containers", _pod(ephemeralContainers=[{"name": "debug", "image": "busybox",
                                                                "ports": [{"containerPort": 1}]}]),
             after_webhooks="validation refuses ephemeral containers on create, after the webhooks have seen them"),
        Case("pod-level-resources", _pod(resources={"limits": {"cpu": "2"}}, containers=[
            _c("app", resources={"requests": {"cpu": "500m"}})]),
             after_webhooks="PodLevelResourcesFixDefaulting defaults pod-level requests in PrepareForCreate"),
        Case("system-metadata", {"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": "app", "uid": "0f0f0f0f-0000-4000-8000-000000000000", "creationTimestamp": "2020-01-01T00:00:00Z",
            "selfLink": "/api/v1/namespaces/x/pods/app", "generation": 7, "deletionGracePeriodSeconds": 3,
            "labels": {"app": "x"}, "annotations": {"note": "kept"}},
            "spec": {"containers": [{"name": "app", "image": "registry.example/app:1", "unknownField": "dropped"}]}}),
        Case("negative-grace-period", _pod(terminationGracePeriodSeconds=-5)),
        Case("host-network", _pod(hostNetwork=True, containers=[_c("app", ports=[{"containerPort": 8080},
                                                                               {"containerPort": 9090, "hostPort": 9090}])],
                                  initContainers=[_c("init", "busybox", ports=[{"containerPort": 7070}])])),
        Case("system-priority-class", _pod(priorityClassName="system-node-critical")),
        Case("user-priority-class", _pod(priorityClassName="dp-high"), cluster_scoped=[PRIORITY_CLASS]),
        Case("runtime-class", _pod(runtimeClassName="dp-sandboxed", nodeSelector={"zone": "a"},
                                   tolerations=[{"key": "sandbox", "operator": "Exists"}]),
             cluster_scoped=[RUNTIME_CLASS]),
        Case("runtime-class-same-overhead-other-spelling", _pod(runtimeClassName="dp-sandboxed",
                                                               overhead={"cpu": "0.25", "memory": "125829120"}),
             cluster_scoped=[RUNTIME_CLASS]),
        Case("service-account-name-wins", _pod(serviceAccountName="builder", serviceAccount="other"),
             namespaced=[_sa("builder"), _sa("other")]),
        Case("runtime-class-plain-pod", _pod(runtimeClassName="dp-sandboxed"), cluster_scoped=[RUNTIME_CLASS]),
        # Refusals: no webhook is called, the status and message are compared instead.
        Case("missing-service-account", _pod(serviceAccountName="ghost"), expect_rejection=True),
        Case("missing-service-account-generate-name", _pod(generate_name="gen-", serviceAccountName="ghost"),
             expect_rejection=True),
        Case("priority-without-class", _pod(priority=5), expect_rejection=True),
        Case("priority-matching-default", _pod(priority=0, preemptionPolicy="PreemptLowerPriority")),
        Case("preemption-policy-conflict", _pod(priorityClassName="dp-high", preemptionPolicy="PreemptLowerPriority"),
             cluster_scoped=[PRIORITY_CLASS], expect_rejection=True),
        Case("unknown-priority-class", _pod(priorityClassName="dp-nonexistent"), expect_rejection=True),
        Case("unknown-runtime-class", _pod(runtimeClassName="dp-nonexistent"), expect_rejection=True),
        Case("runtime-class-overhead-conflict", _pod(runtimeClassName="dp-sandboxed", overhead={"cpu": "1"}),
             cluster_scoped=[RUNTIME_CLASS], expect_rejection=True),
        Case("runtime-class-selector-conflict", _pod(runtimeClassName="dp-sandboxed", nodeSelector={"sandbox": "kata"}),
             cluster_scoped=[RUNTIME_CLASS], expect_rejection=True),
        Case("mountable-secrets-enforced", _pod(serviceAccountName="strict", volumes=[SECRET_VOLUME]),
             namespaced=[_sa("strict", metadata={"name": "strict", "annotations": {
                 "kubernetes.io/enforce-mountable-secrets": "true"}}, secrets=[{"name": "listed"}])],
             expect_rejection=True),
    ]
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out


def default_service_account(namespace: str) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}


def cluster_objects(case: Case, namespace: Optional[str] = None) -> Dict[str, List[dict]]:
    """The cluster state the simulator is given: every kind listed, as a real apiserver knows them all."""
    ns = namespace or case.namespace
    objects: Dict[str, List[dict]] = {"ServiceAccount": [default_service_account(ns)], "LimitRange": [],
                                      "PriorityClass": [], "RuntimeClass": []}
    for obj in case.namespaced:
        obj = dict(obj, metadata=dict(obj["metadata"], namespace=ns))
        objects[obj["kind"]].append(obj)
    for obj in case.cluster_scoped:
        objects[obj["kind"]].append(obj)
    return objects


_RANDOM_TOKEN_VOLUME = None


def normalize_real(obj: dict) -> dict:
    """The real object with the two things no simulator can predict replaced: the random suffix of the token
    volume (utilrand's alphabet has no vowels, no 0/1/3) becomes the simulator's placeholder, and the
    clock-stamped metadata.managedFields goes."""
    import copy
    import re

    from simulator.kube.admission.serviceaccount import TOKEN_VOLUME_PLACEHOLDER

    global _RANDOM_TOKEN_VOLUME
    if _RANDOM_TOKEN_VOLUME is None:
        _RANDOM_TOKEN_VOLUME = re.compile(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}")
    out = copy.deepcopy(obj)
    (out.get("metadata") or {}).pop("managedFields", None)
    spec = out.get("spec") or {}

    def rename(d):
        if isinstance(d, dict) and isinstance(d.get("name"), str) and _RANDOM_TOKEN_VOLUME.fullmatch(d["name"]):
            d["name"] = TOKEN_VOLUME_PLACEHOLDER

    for v in spec.get("volumes") or []:
        rename(v)
    for kind in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(kind) or []:
            for m in c.get("volumeMounts") or []:
                rename(m)
    return out
