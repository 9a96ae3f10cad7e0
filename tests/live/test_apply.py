"""`kubectl inject apply` on the real mesh (tests/live/mesh.py): kube-apiserver with istiod as the injection
webhook, kube-controller-manager making the pods of workloads. Each applied object's prediction is held to the
pod the real admission chain stored: the seed scenarios agree; a webhook the simulator cannot know, and an
injector changed between prediction and creation, disagree with exit 3 and the path of the difference; a server
dry run stores nothing; istiod down surfaces the ReplicaSet's FailedCreate; a user who may create Deployments
but not Pods is told so in one line, and one who may not read the namespace still gets the apply, with why
there is no prediction.

Pods need no node here: the observation is the pod as admission stored it (the scheduler's binding is
normalised away), so the manifests name none and the pods stay Pending.
"""
import hashlib
import json
import re
import time

import pytest

from . import workloads as wl
from .mesh import until

pytestmark = pytest.mark.slow


def _deployment(name, namespace=None, template_labels=None, template_annotations=None, annotations=None):
    md = {"name": name}
    if namespace:
        md["namespace"] = namespace
    if annotations:
        md["annotations"] = annotations
    tmd = {"labels": dict({"app": name}, **(template_labels or {}))}
    if template_annotations:
        tmd["annotations"] = template_annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": md,
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": tmd,
                                  "spec": {"containers": [{"name": name, "image": "docker.io/kennethreitz/httpbin",
                                                           "ports": [{"containerPort": 80}]}]}}}}


def _pod(name, namespace=None, labels=None, annotations=None):
    md = {"name": name, "labels": dict(labels or {})}
    if namespace:
        md["namespace"] = namespace
    if annotations:
        md["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md,
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


def _namespace(name, labels=None):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels or {}}}


def _write(tmp_path, name, objects):
    path = tmp_path / name
    path.write_text("\n---\n".join(json.dumps(o) for o in objects) + "\n")
    return path


def _apply(real, *argv):
    run = real.run("apply", *argv, "-o", "json")
    items = json.loads(run.stdout)["items"] if run.stdout.strip() else []
    return run, {(i["object"]["kind"], i["object"]["name"]): i for i in items}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wait_for_injector(real, check, what, probe=None):
    """Until istiod answers a dry-run pod (`probe`, by default a plain one) in namespace inj as `check` wants: it
    reads the injector ConfigMap through an informer, so an edit takes effect a moment after it is stored."""
    until(lambda: check(real.admit(probe or _pod("probe"), "inj")), what, real.istiod, timeout=60)


def _proxy_image(pod):
    return next((c["image"] for c in pod["spec"].get("containers", []) + pod["spec"].get("initContainers", [])
                 if c["name"] == "istio-proxy"), None)


#: The pod whose injected proxy image (None: not injected) tells an edit of the injector undone.
PROBE = _pod("probe", labels={"legacy": "true"})


def _edit_injector(real, edit):
    """(the injector ConfigMap as it was, the proxy image istiod gave `PROBE` before the edit)."""
    cm = real.get("ConfigMap", "istio-sidecar-injector", "istio-system")
    original = json.loads(json.dumps(cm))
    baseline = _proxy_image(real.admit(PROBE, "inj"))
    edit(cm)
    real.replace(cm)
    return original, baseline


def test_seed_scenarios_agree_and_the_input_is_only_read(control_plane, tmp_path):
    real = control_plane
    objects = [
        _deployment("httpbin", "seed-on"),                                    # labelled namespace
        _deployment("httpbin-plain", "seed-off"),                             # unlabelled namespace
        _pod("opt-in", "plain", labels={"sidecar.istio.io/inject": "true"}),  # the pod's own opt-in label
        _deployment("meta-annotated", "seed-on", annotations={"sidecar.istio.io/inject": "false"}),
        _deployment("rev", "seed-rev"),                                       # istio.io/rev=default
        _namespace("seed-on", {"istio-injection": "enabled"}),                # Namespaces go first, wherever they are
        _namespace("seed-off"),
        _namespace("seed-rev", {"istio.io/rev": "default"}),
    ]
    path = _write(tmp_path, "seed.yaml", objects)
    before = _digest(path)
    run, items = _apply(real, "-f", str(path), "-v", "6")
    assert run.status == 0, run.stderr + run.stdout
    assert _digest(path) == before
    assert [items[("Namespace", n)]["action"] for n in ("seed-on", "seed-off", "seed-rev")] == ["created"] * 3
    expected = {("Deployment", "httpbin"): "injected", ("Deployment", "httpbin-plain"): "not-injected",
                ("Pod", "opt-in"): "injected",
                ("Deployment", "meta-annotated"): "injected", ("Deployment", "rev"): "injected"}
    for key, verdict in expected.items():
        item = items[key]
        assert item["agrees"] is True, (key, item["differences"], item["patchCheck"])
        assert item["patchCheck"].get("differences") == [], item["patchCheck"]
        if verdict:
            assert item["predicted"]["verdict"] == item["observed"]["verdict"] == verdict, key
    text = real.run("apply", "-f", str(path))
    assert text.status == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "namespace/seed-on unchanged" in lines and "deployment.apps/httpbin unchanged" in lines
    assert lines.count("  agrees") == 5, text.stdout
    # a server-side apply of what is there changes nothing; the template pods are then checked by dry run
    assert "a dryRun=All Pod from its template" in text.stdout
    # requests: one list per kind (per namespace for the namespaced ones), one watch per workload created
    m = re.search(r"I (\d+) API requests \((\d+) lists, (\d+) watches\)", run.stderr)
    assert m, run.stderr
    namespaces = {"seed-on", "seed-off", "seed-rev", "plain"}
    assert int(m.group(3)) == 4
    assert int(m.group(2)) <= 6 + 2 * len(namespaces) + len(namespaces - {"plain"})


def _edit_config(pattern, replacement):
    """An edit of the injector ConfigMap's `config` text, which must change it (istioctl renders an empty list
    as `neverInjectSelector:` and `[]` on the next line, so a literal `neverInjectSelector: []` matches nothing)."""
    def edit(cm):
        text, count = re.subn(pattern, replacement, cm["data"]["config"], count=1, flags=re.M)
        assert count == 1, f"{pattern!r} not in the injector's config:\n{cm['data']['config'][:600]}"
        cm["data"]["config"] = text
    return edit


def test_seed_policies_of_the_injector_agree(control_plane, tmp_path):
    """neverInjectSelector, then policy disabled (an annotated pod still opts in): the injector ConfigMap edited,
    istiod seen to act on it (its ConfigMap informer reloads the injection config on every update), and each
    prediction agrees with what istiod then did."""
    real = control_plane
    original, baseline = _edit_injector(real, _edit_config(r"^neverInjectSelector:\s*\[\]$",
                                                 'neverInjectSelector:\n  - matchLabels:\n      legacy: "true"'))
    try:
        _wait_for_injector(real, lambda pod: _proxy_image(pod) is None,
                           "istiod leaving out a pod that neverInjectSelector matches", PROBE)
        path = _write(tmp_path, "never.yaml", [_pod("legacy", "inj", labels={"legacy": "true"}), _pod("modern", "inj")])
        run, items = _apply(real, "-f", str(path))
        assert run.status == 0, run.stderr + run.stdout
        legacy, modern = items[("Pod", "legacy")], items[("Pod", "modern")]
        assert legacy["predicted"]["decidedBy"]["rule"] == "never-inject-selector", legacy["predicted"]
        assert legacy["observed"]["verdict"] == "not-injected" and modern["observed"]["verdict"] == "injected"
        assert legacy["agrees"] and modern["agrees"], (legacy["differences"], modern["differences"])

        cm = real.get("ConfigMap", "istio-sidecar-injector", "istio-system")
        cm["data"] = _edit_in_place(original["data"], _edit_config(r"^policy: enabled$", "policy: disabled"))
        real.replace(cm)
        _wait_for_injector(real, lambda pod: _proxy_image(pod) is None, "istiod reading policy: disabled")
        path = _write(tmp_path, "disabled.yaml", [
            _deployment("quiet", "inj"), _pod("asked", "inj", annotations={"sidecar.istio.io/inject": "true"})])
        run, items = _apply(real, "-f", str(path))
        assert run.status == 0, run.stderr + run.stdout
        quiet, asked = items[("Deployment", "quiet")], items[("Pod", "asked")]
        assert quiet["predicted"]["decidedBy"]["rule"] == "policy-disabled", quiet["predicted"]
        assert quiet["observed"]["via"] == "controller" and quiet["observed"]["verdict"] == "not-injected"
        assert asked["observed"]["verdict"] == "injected"
        assert quiet["agrees"] and asked["agrees"], (quiet["differences"], asked["differences"])
    finally:
        _restore_injector(real, original, baseline)


def _edit_in_place(data, edit):
    cm = {"data": dict(data)}
    edit(cm)
    return cm["data"]


def _restore_injector(real, original, baseline):
    """The injector ConfigMap's data as it was, and istiod seen injecting `PROBE` as before the edit (the module's
    other tests share this istiod)."""
    cm = real.get("ConfigMap", "istio-sidecar-injector", "istio-system")
    cm["data"] = original["data"]
    real.replace(cm)
    _wait_for_injector(real, lambda pod: _proxy_image(pod) == baseline, "istiod injecting as before the edit", PROBE)


def test_a_webhook_the_simulator_cannot_know_is_a_disagreement_with_its_path(real_injector, tmp_path):
    """A second configuration whose webhook (unknown to the simulator) calls istiod for namespace `extra`: the
    prediction is "not injected, one webhook's effect unknown"; istiod injects; exit 3, the path says where."""
    real = real_injector
    _, istio = real.cluster.request("GET", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/"
                                           "istio-sidecar-injector")
    hook = istio["webhooks"][0]
    extra = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
             "metadata": {"name": "extra-mutator"},
             "webhooks": [{"name": "mutate.extra.example.com", "clientConfig": hook["clientConfig"],
                           "rules": hook["rules"], "sideEffects": "None", "admissionReviewVersions": ["v1"],
                           "failurePolicy": "Fail", "namespaceSelector": {"matchLabels": {"extra": "on"}}}]}
    status, body = real.cluster.request("POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                                        extra)
    assert status == 201, body
    try:
        wl.namespace(real, "extra", {"extra": "on"})       # with its default ServiceAccount, kcm or not
        path = _write(tmp_path, "extra.yaml", [_namespace("extra", {"extra": "on"}), _pod("surprise", "extra")])
        report = tmp_path / "report"
        run, items = _apply(real, "-f", str(path), "--report", str(report))
        assert run.status == 3, run.stderr + run.stdout
        item = items[("Pod", "surprise")]
        assert item["agrees"] is False
        assert item["predicted"]["verdict"] == "not-injected" and item["observed"]["verdict"] == "injected"
        paths = [d["path"] for d in item["differences"]]
        native = "istio-proxy" in item["observed"]["initContainers"]
        assert ("/spec/initContainers" if native else "/spec/containers") in paths, paths
        assert "/metadata/annotations/sidecar.istio.io~1status" in paths, paths
        assert {p.name for p in report.iterdir()} >= {"cluster-state.yaml", "result.json",
                                                       "pod-surprise.predicted.yaml", "pod-surprise.observed.yaml",
                                                       "pod-surprise.differences.json"}
        snapshot = real.run("explain", "-f", str(path), "--cluster-state", str(report / "cluster-state.yaml"),
                            "-o", "json")
        pod_item, = [i for i in json.loads(snapshot.stdout)["items"] if i["object"]["kind"] == "Pod"]
        assert pod_item["verdict"] == "not-injected"          # the report reproduces the prediction offline
        text = real.run("apply", "-f", str(path))
        assert text.status == 3 and "  disagrees: " in text.stdout
        assert re.search(r"^    /spec/(init)?[cC]ontainers: predicted ", text.stdout, re.M), text.stdout
    finally:
        real.cluster.request("DELETE", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/extra-mutator")


def test_an_injector_changed_between_prediction_and_creation_is_a_disagreement(real_injector, tmp_path, monkeypatch):
    """The proxy tag changes after the prediction and before the pod is created: exit 3, the paths of the images
    (istio-init's and istio-proxy's) and of nothing the upgrade did not change."""
    from plugin.workloads import applying

    real = real_injector
    originals = []
    apply_object = applying.Applier._apply

    def upgrade_then_apply(self, target):
        if target.kind == "Pod" and not originals:
            def tag(cm):
                values = json.loads(cm["data"]["values"])
                values["global"]["tag"] = "1.99.0"
                cm["data"]["values"] = json.dumps(values)
            originals.append(_edit_injector(real, tag))
            _wait_for_injector(real, lambda pod: (_proxy_image(pod) or "").endswith(":1.99.0"), "istiod's new tag")
        return apply_object(self, target)

    monkeypatch.setattr(applying.Applier, "_apply", upgrade_then_apply)
    try:
        path = _write(tmp_path, "upgraded.yaml", [_pod("upgraded", "inj")])
        run, items = _apply(real, "-f", str(path))
        assert run.status == 3, run.stderr + run.stdout
        item = items[("Pod", "upgraded")]
        names = {"containers": item["observed"]["containers"], "initContainers": item["observed"]["initContainers"]}
        paths = {d["path"]: d for d in item["differences"]}
        images = {}
        for p, d in paths.items():
            m = re.fullmatch(r"/spec/(initContainers|containers)/(\d+)/image", p)
            if m:
                images[names[m.group(1)][int(m.group(2))]] = d
        # both containers istiod makes from the proxy image (the iptables init container and the proxy) changed
        assert set(images) == {"istio-init", "istio-proxy"}, item["differences"]
        before = originals[0][1]
        assert all(d["predicted"] == before and d["observed"].endswith(":1.99.0") for d in images.values()), images
        # and nothing else but the pull policy the API server defaults from the tag (:latest pulls Always)
        policies = {p.replace("/image", "/imagePullPolicy") for p, d in paths.items() if d in images.values()}
        assert set(paths) - {p for p, d in paths.items() if d in images.values()} <= policies, item["differences"]
        assert all(paths[p] == {"path": p, "predicted": "Always" if before.endswith(":latest") else "IfNotPresent",
                                "observed": "IfNotPresent"} for p in policies & set(paths)), item["differences"]
    finally:
        if originals:
            _restore_injector(real, *originals[0])


def _inventory(real):
    out = {}
    for path in ("/api/v1/namespaces", "/api/v1/pods", "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets"):
        _, body = real.cluster.request("GET", path)
        out[path] = sorted((i["metadata"].get("namespace", ""), i["metadata"]["name"], i["metadata"]["resourceVersion"])
                           for i in body["items"])
    return out


def test_a_server_dry_run_stores_nothing_and_checks_the_template(real_injector, tmp_path):
    real = real_injector
    path = _write(tmp_path, "dry.yaml", [_namespace("dry-new"), _deployment("dry-web", "inj"), _pod("dry-pod", "inj")])
    before = _inventory(real)
    run, items = _apply(real, "-f", str(path), "--dry-run=server")
    assert run.status == 0, run.stderr + run.stdout
    assert _inventory(real) == before
    assert items[("Namespace", "dry-new")] == {"object": {"kind": "Namespace", "name": "dry-new"},
                                               "action": "dry-run", "dryRunAction": "created"}
    for key in (("Deployment", "dry-web"), ("Pod", "dry-pod")):
        assert items[key]["action"] == "dry-run" and items[key]["agrees"], items[key]
        assert items[key]["observed"]["via"] == "dry-run" and items[key]["observed"]["verdict"] == "injected"
    text = real.run("apply", "-f", str(path), "--dry-run=server").stdout
    assert "deployment.apps/dry-web created (server dry run)" in text.splitlines()


def test_istiod_down_ends_the_wait_with_the_failed_create(control_plane, tmp_path):
    real = control_plane
    path = _write(tmp_path, "down.yaml", [_deployment("refused", "inj")])
    real.istiod.stop()
    try:
        started = time.monotonic()
        run, items = _apply(real, "-f", str(path), "--wait", "50s")
        assert time.monotonic() - started < 45, "the FailedCreate event should end the wait"
    finally:
        real.istiod.start()
    assert run.status == 2, run.stderr + run.stdout
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith("error: deployment.apps/refused: replicaset/refused-")
    assert "(FailedCreate)" in errors[0] and 'failed calling webhook "namespace.sidecar-injector.istio.io"' in errors[0]
    assert items[("Deployment", "refused")]["action"] == "created"


def _grant(real, user, rules):
    """A Role in namespace inj with `rules`, bound to `user`."""
    for obj in ({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                 "metadata": {"name": user, "namespace": "inj"}, "rules": rules},
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                 "metadata": {"name": user, "namespace": "inj"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}):
        res = "roles" if obj["kind"] == "Role" else "rolebindings"
        status, body = real.cluster.request("POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/inj/{res}", obj)
        assert status == 201, body


DEPLOYER_READS = [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "create", "patch"]},
                  {"apiGroups": [""], "resources": ["pods", "events", "serviceaccounts", "limitranges"],
                   "verbs": ["get", "list", "watch"]}]
#: A Role grants `get` on its own Namespace object (the request's namespace is the name), as the `edit`
#: ClusterRole bound in a namespace does: what a realistic deployer has.
NAMESPACE_GET = {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}


def test_a_user_who_may_create_deployments_but_not_pods_is_told_so(real_injector, tmp_path):
    real = real_injector
    user = "deployer"
    _grant(real, user, DEPLOYER_READS + [NAMESPACE_GET])
    path = _write(tmp_path, "deployer.yaml", [_deployment("deployed", "inj")])
    run, items = _apply(real, "-f", str(path), "--dry-run=server", "--as", user)
    assert run.status == 2, run.stderr + run.stdout
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith("error: deployment.apps/deployed: checking its pod template means creating a Pod "
                                "with dryRun=All")
    assert f"{user} may not create pods in namespace inj" in errors[0]
    item = items[("Deployment", "deployed")]
    assert item["dryRunAction"] == "created"     # the Deployment itself was allowed
    assert item["predicted"]["verdict"] == "not-injected"        # no webhook configuration readable: none known
    # what it may not read is named, once each
    assert "warning: forbidden to list mutatingwebhookconfigurations" in run.stderr


def test_a_user_who_may_not_read_the_namespace_still_gets_the_apply_and_the_reason(real_injector, tmp_path):
    """The namespace's labels decide the injection: without them there is no prediction, which is said, and
    the object is still applied (here as a server dry run) and what the real webhooks made shown."""
    real = real_injector
    user = "blind-deployer"
    _grant(real, user, DEPLOYER_READS + [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}])
    path = _write(tmp_path, "blind.yaml", [_deployment("blind", "inj")])
    run, items = _apply(real, "-f", str(path), "--dry-run=server", "--as", user)
    assert run.status == 2, run.stderr + run.stdout
    assert "warning: forbidden to list namespaces" in run.stderr and "namespace labels are unknown" in run.stderr
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    assert re.match(r'error: .*blind\.yaml: document 0, line 1: Deployment/blind: namespace "inj" is not in the '
                    r'cluster state: no prediction, so it is applied and observed without one$', errors[0]), errors[0]
    item = items[("Deployment", "blind")]
    assert item["dryRunAction"] == "created" and "predicted" not in item and "agrees" not in item
    assert item["observed"]["via"] == "dry-run" and item["observed"]["verdict"] == "injected"
    text = real.run("apply", "-f", str(path), "--dry-run=server", "--as", user).stdout.splitlines()
    assert text[:2] == ["deployment.apps/blind created (server dry run)", "  predicted: unknown (see the error)"]
    assert text[2].startswith("  observed:  injected; ")
