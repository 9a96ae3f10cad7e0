"""Reproducing Istio's own golden files (TestInjection in pkg/kube/inject/inject_test.go) with the simulator.

kube-inject: the input manifest through `kube_inject_text`, compared with the golden after parsing as YAML;
the golden's status annotation carries a blanked template hash (`"version":""`), which Istio's test strips
from its output before comparing - the one normalisation.
webhook: as Istio's test does it - each workload becomes a pod (generateName and a controller owner
reference; a Deployment's pod is owned by ReplicaSet `<name>-fake` with `pod-template-hash: fake`), the pod
is injected in webhook mode (revision "default", nodes at kubelet 1.33/1.34), and compared with the golden's
pod template, both decoded as corev1.Pod, ignoring the status annotation and the fieldRef apiVersion of our
containers' env.
"""

import json
import re

from tests.istio import parity
from tests.istio.golden_cases import OPENSHIFT_NAMESPACE

NODES = ("v1.33.0", "v1.34.0")
_INJECTABLE = ("Deployment", "DeploymentConfig", "DaemonSet", "StatefulSet", "Job", "ReplicaSet",
               "ReplicationController", "CronJob", "Pod")


def _mesh_with(mesh_text, edit):
    from simulator import yamlio

    base = yamlio.load(mesh_text) or {}

    def merge(a, b):
        for k, v in b.items():
            if isinstance(v, dict) and isinstance(a.get(k), dict) and v:
                merge(a[k], v)
            else:
                a[k] = v
        return a

    return json.dumps(merge(base, json.loads(json.dumps(edit))))


def config_for(case, webhook=False):
    """(InjectorConfig, env) for a golden case, from the oracle's manifest-generated inputs."""
    from tests.oracles import istioctl

    flags = tuple(istioctl.DEFAULT_MANIFEST_FLAGS) + tuple(case.set_flags)
    files = (parity.GOLDEN_CORPUS / case.iop,) if case.iop else ()
    inputs = istioctl.oracle_inputs("1.30.3", set_flags=flags, files=files)
    config = parity.load_config(inputs["inject_config"], inputs["values"], inputs["mesh_config"], webhook=webhook)
    if case.mesh:
        config.mesh = _mesh_with(config.mesh, case.mesh)
    env = {"ENABLE_NATIVE_SIDECARS": "true" if case.native else "false"}
    if case.platform:
        env["PLATFORM"] = case.platform
    return config, env


_VERSION = re.compile(r'"version":"[^"]*",')


def check_kube_inject(case):
    """None when the simulator reproduces the golden (or the expected error), else a description."""
    from simulator import yamlio
    from simulator.istio.kubeinject import kube_inject_text

    config, env = config_for(case)
    text = (parity.GOLDEN_CORPUS / case.input).read_text()
    out, _, error = kube_inject_text(text, config, env=env, version="1.30.3", cache=parity.engine_cache())
    if case.error:
        if error is None or case.error not in error.lower():
            return "expected an error containing %r, got %r" % (case.error, error)
        return None
    if error is not None:
        return "simulator failed: %s" % error
    got = list(yamlio.load_all(_VERSION.sub("", out)))
    want = list(yamlio.load_all(_VERSION.sub("", (parity.GOLDEN_CORPUS / case.golden).read_text())))
    if got != want:
        return parity._diff(want, got)
    return None


def _injectable(doc):
    if not isinstance(doc, dict):
        return []
    if doc.get("kind") in _INJECTABLE:
        return [doc]
    if doc.get("kind") == "List":
        return [x for item in doc.get("items") or [] for x in _injectable(item)]
    return []


def _owned(meta, name, api_version, kind):
    meta = dict(meta or {})
    meta["generateName"] = name
    meta["ownerReferences"] = [{"apiVersion": api_version, "kind": kind, "name": name, "uid": "", "controller": True}]
    return meta


def object_to_pod(doc):
    """objectToPod of Istio's webhook test."""
    kind = doc["kind"]
    name = (doc.get("metadata") or {}).get("name", "")
    api = doc.get("apiVersion", "")
    spec = doc.get("spec") or {}
    if kind == "Pod":
        return {"metadata": doc.get("metadata") or {}, "spec": spec}
    if kind == "CronJob":
        t = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        return {"metadata": _owned(t.get("metadata"), name, api, kind), "spec": t.get("spec") or {}}
    t = spec.get("template") or {}
    if kind == "Deployment":
        meta = _owned(t.get("metadata"), name + "-fake", "apps/v1", "ReplicaSet")
        meta["generateName"] += "-"
        meta["labels"] = dict(meta.get("labels") or {}, **{"pod-template-hash": "fake"})
        return {"metadata": meta, "spec": t.get("spec") or {}}
    return {"metadata": _owned(t.get("metadata"), name, api, kind), "spec": t.get("spec") or {}}


def _normalised(pod, ours):
    from simulator.kube.typed.roundtrip import roundtrip_pod

    pod = roundtrip_pod(pod)
    anns = (pod.get("metadata") or {}).get("annotations")
    if anns is not None:
        anns.pop("sidecar.istio.io/status", None)
        if not anns:
            del pod["metadata"]["annotations"]
    if ours:
        for c in (pod.get("spec") or {}).get("containers") or []:
            for e in c.get("env") or []:
                ref = (e.get("valueFrom") or {}).get("fieldRef")
                if ref:
                    ref.pop("apiVersion", None)
    return pod


def _webhook_pod(pod, config, env, namespace, ns_obj):
    """What the API server stores after Istio's webhook: the policy decides first (simulator.istio.policy), then
    the pod is injected; a pod Istio declines is allowed unchanged."""
    from simulator.istio.inject import inject
    from simulator.istio.policy import decide
    from simulator.istio.release import release_for

    policy_pod = dict(pod, metadata=dict(pod.get("metadata") or {}))
    policy_pod["metadata"].setdefault("namespace", namespace)
    if not decide(policy_pod, config, release_for("1.30.3")).inject:
        return pod
    return inject(pod, config, mode="webhook", env=dict(env, REVISION="default"), nodes=list(NODES),
                  cache=parity.engine_cache(),
                  namespace=namespace, namespace_object=ns_obj, version="1.30.3").pod


def check_webhook(case):
    from simulator import yamlio
    from simulator.errors import TemplateRenderError
    from simulator.yamlio.reader import split_documents

    config, env = config_for(case, webhook=True)
    if case.native:
        env.pop("ENABLE_NATIVE_SIDECARS")  # "auto": detected from the 1.33/1.34 nodes, as in Istio's test
    inputs = [d for raw in split_documents((parity.GOLDEN_CORPUS / case.input).read_text())
              for d in _injectable(yamlio.load(raw))]
    wants = [d for raw in split_documents((parity.GOLDEN_CORPUS / case.golden).read_text())
             for d in _injectable(yamlio.load(raw))]
    if len(inputs) != len(wants):
        return "input has %d injectable parts, golden %d" % (len(inputs), len(wants))
    for i, (doc, want_doc) in enumerate(zip(inputs, wants)):
        namespace = (doc.get("metadata") or {}).get("namespace", "")
        ns_obj = OPENSHIFT_NAMESPACE if namespace == "test-ns" else None
        try:
            got = _webhook_pod(object_to_pod(doc), config, env, namespace, ns_obj)
        except TemplateRenderError as e:
            return "part %d: simulator failed: %s" % (i, e)
        a, b = _normalised(object_to_pod(want_doc), False), _normalised(got, True)
        if a != b:
            return "part %d:\n%s" % (i, parity._diff(a, b))
    return None
