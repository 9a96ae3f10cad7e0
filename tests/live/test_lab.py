"""`kubectl inject lab` end to end on the real control plane (kube-apiserver + etcd, istiod as the webhook,
kube-controller-manager, kwok running the pods on kwok-node-1; no scheduler, hence --node-name): every
scenario's checks hold with the real kubectl and the real injector; the lab deletes its namespace, refuses one
that is not its own, and never changes the injector — scenario 6's upgrade is a what-if unless the instructor
upgrades during the pause, which this test does to the test control plane's injector."""
import io
import json
import re

import pytest

from ..conftest import run_cli
from .mesh import until

pytestmark = pytest.mark.slow
NODE = ["--node-name", "kwok-node-1"]


def lab(real, *args, stdin=""):
    return run_cli("lab", *args, *NODE, stdin=stdin, environ={"KUBECONFIG": real.kubeconfig})


def injector(real):
    return real.get("ConfigMap", "istio-sidecar-injector", "istio-system")


def held(run):
    m = re.search(r"All (\d+) checks held\.", run.stdout)
    assert run.status == 0 and m, run.stdout[-4000:] + run.stderr[-2000:]
    return int(m.group(1))


@pytest.mark.parametrize("scenario,ready", [
    ("unlabelled", ["1/1"]),
    ("label-restart", ["1/1", "1/1", "2/2"]),
    ("mistakes", ["1/1", "2/2", "2/2"]),
    ("exceptions", ["2/2", "1/1", "2/2"]),
    ("strict-mtls", ["2/2", "1/1"]),
])
def test_scenario_holds_on_the_real_control_plane(control_plane, scenario, ready):
    real = control_plane
    before = injector(real)["metadata"]["resourceVersion"]
    run = lab(real, scenario, "--yes")
    assert held(run) >= len(ready)
    assert re.findall(r"✓ READY (\d/\d) for the pods of", run.stdout) == ready
    assert run.stdout.startswith('Lab on context "real"'), run.stdout[:300]
    assert real.get("Namespace", f"inject-lab-{scenario}") is None          # deleted at the end
    assert injector(real)["metadata"]["resourceVersion"] == before          # the injector was never changed


def test_upgrade_without_an_upgrade_is_a_what_if(control_plane):
    real = control_plane
    before = injector(real)["metadata"]["resourceVersion"]
    run = lab(real, "upgrade", "--yes")
    held(run)
    assert "nobody upgraded, so here is the what-if" in run.stdout
    assert "✓ running pods: stale-proxy" in run.stdout
    assert "# try it yourself (the lab does not run it): kubectl rollout restart deployment/httpbin" in run.stdout
    assert injector(real)["metadata"]["resourceVersion"] == before


class _Instructor(io.StringIO):
    """A terminal at which the instructor presses Enter, and at the upgrade prompt upgrades the test control
    plane's injector first (its proxy tag), waiting until istiod injects the new image."""

    def __init__(self, real, out):
        super().__init__()
        self.real, self.out, self.upgraded = real, out, False

    def isatty(self):
        return True

    def readline(self, *a):
        if not self.upgraded and self.out.getvalue().rstrip().endswith("(or just press Enter for the what-if)"):
            cm = injector(self.real)
            values = json.loads(cm["data"]["values"])
            values["global"]["tag"] = "1.99.0"
            cm["data"]["values"] = json.dumps(values)
            self.real.replace(cm)
            self.upgraded = True
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe"},
                   "spec": {"nodeName": "kwok-node-1", "containers": [{"name": "a", "image": "busybox"}]}}
            until(lambda: any(c.get("image", "").endswith(":1.99.0")
                              for c in (lambda s: s.get("containers", []) + s.get("initContainers", []))(
                                  self.real.admit(pod, "inj")["spec"])), "istiod injecting proxy 1.99.0")
        return "\n"


def test_upgrade_by_the_instructor_finds_stale_proxies_and_the_restart_fixes_them(control_plane):
    from plugin.cli import main
    from plugin.env import Environment

    real = control_plane
    original = injector(real)
    out, err = io.StringIO(), io.StringIO()
    stdin = _Instructor(real, out)
    try:
        status = main(["lab", "upgrade", *NODE], Environment(stdin=stdin, stdout=out, stderr=err,
                                                             environ={"KUBECONFIG": real.kubeconfig}))
    finally:
        if stdin.upgraded:
            cm = injector(real)
            cm["data"] = original["data"]
            real.replace(cm)
    text = out.getvalue()
    assert status == 0, text[-4000:] + err.getvalue()[-2000:]
    assert stdin.upgraded
    assert "the injector now injects another proxy than the running pods have: the upgrade happened" in text
    assert "✓ httpbin: stale-proxy" in text
    assert "$ kubectl rollout restart deployment/httpbin -n inject-lab-upgrade" in text
    assert text.rstrip().endswith("checks held.")


def test_refuses_a_namespace_it_did_not_create(control_plane):
    real = control_plane
    real.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "inject-lab-unlabelled",
                                                                       "labels": {"team": "payments"}}})
    try:
        run = lab(real, "1", "--yes")
        assert run.status == 2
        assert "namespace inject-lab-unlabelled exists and is not the lab's" in run.stderr
        ns = real.get("Namespace", "inject-lab-unlabelled")
        assert ns is not None and ns["metadata"]["labels"].get("team") == "payments"
        assert real.get("Deployment", "httpbin", "inject-lab-unlabelled") is None
    finally:
        real.cluster.request("DELETE", "/api/v1/namespaces/inject-lab-unlabelled")
        until(lambda: real.get("Namespace", "inject-lab-unlabelled") is None, "the namespace deleted")


def test_keep_leaves_the_namespace_and_the_next_run_replaces_it(control_plane):
    real = control_plane
    kept = lab(real, "1", "--yes", "--keep")
    held(kept)
    ns = real.get("Namespace", "inject-lab-unlabelled")
    assert ns["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kubectl-inject-lab"
    assert real.get("Deployment", "httpbin", "inject-lab-unlabelled") is not None
    again = lab(real, "1", "--yes")
    held(again)
    assert "is left from an earlier lab run (it carries the lab's label): deleting it" in again.stdout
    assert real.get("Namespace", "inject-lab-unlabelled") is None
