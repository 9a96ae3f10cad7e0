"""The real mesh of the live tier's top layer, for every test module that needs it: a real kube-apiserver + etcd,
istiod (pilot-discovery built from the Go module proxy) registered as the injection webhook by URL, and on top
`control_plane`: kube-controller-manager making the pods and kwok running them on a fake node.

The fixtures are module-scoped: each test module gets its own cluster and istiod (about 20 s once the binaries
are cached), so one module's changes to the injector or to istiod never leak into another's. Namespaces
`inj` (istio-injection=enabled) and `plain` exist from the start.
"""
import copy
import functools
import subprocess
import time

import pytest

from ..conftest import run_cli
from ..oracles import istioctl as oracle
from ..realcluster import apiserver, certs
from . import istiod as istiod_mod
from . import workloads as wl

CRDS = "manifests/charts/base/files/crd-all.gen.yaml"
#: Streaming lists need etcd's watch progress requests (etcd >= 3.4.31/3.5.13); with the Debian etcd 3.4.23 the
#: apiserver fails every watch-list request in the stream ("the required storage feature RequestWatchProgress
#: is disabled"). kwok 0.8's informers (client-go 0.36) then fall into list + failing watch + backoff of up to a
#: minute, so a pod waited 30-60 s to become Running. With the feature off the apiserver refuses the request
#: up front, the clients fall back to a plain list and watch once, and kwok sees every pod within a second.
NO_WATCH_LIST = ["--feature-gates=WatchList=false"]


class RealInjector:
    def __init__(self, cluster, kubeconfig, istiod):
        self.cluster = cluster
        self.kubeconfig = kubeconfig
        self.istiod = istiod

    # the LiveCluster helpers of tests/live/workloads.py expect these
    def create(self, obj, exist_ok=False):
        from .conftest import LiveCluster

        return LiveCluster(self.cluster, self.kubeconfig, None).create(obj, exist_ok)

    def get(self, kind, name, namespace=None):
        from .conftest import LiveCluster

        return LiveCluster(self.cluster, self.kubeconfig, None).get(kind, name, namespace)

    def replace(self, obj):
        from .conftest import LiveCluster

        return LiveCluster(self.cluster, self.kubeconfig, None).replace(obj)

    def run(self, *argv):
        return run_cli(*argv, environ={"KUBECONFIG": self.kubeconfig})

    def admit(self, pod, namespace, dry_run=True):
        """What the real apiserver (and so the real istiod) makes of a pod CREATE."""
        status, body = self.cluster.request("POST", f"/api/v1/namespaces/{namespace}/pods", pod,
                                            query={"dryRun": "All"} if dry_run else None)
        assert status in (200, 201), body
        return body


def _yaml_docs(text):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml: the CRDs are 900 kB, 4 s in pure Python
    return [d for d in yaml.load_all(text, Loader=loader) if isinstance(d, dict)]


@functools.lru_cache(maxsize=None)
def _install_documents():
    """(Istio's CRDs, the ConfigMaps and the webhook configuration of `istioctl manifest generate`), read and
    rendered once per session: every module's mesh installs the same objects (the callers get deep copies)."""
    istio_src = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    module = f"{istio_src}/istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad"
    with open(f"{module}/{CRDS}", encoding="utf-8") as fh:
        crds = _yaml_docs(fh.read())
    proc = oracle.run_istioctl("master-20260827", ["manifest", "generate", "--set", "profile=empty",
                                                   "--set", "components.pilot.enabled=true"])
    assert proc.returncode == 0, proc.stderr
    return crds, _yaml_docs(proc.stdout)


def _install(cluster, url):
    """Istio's CRDs, istio-system, and the injector and mesh ConfigMaps and webhook configuration that
    `istioctl manifest generate` renders for the default revision, the webhooks pointed at `url`."""
    crds, rendered = copy.deepcopy(_install_documents())
    for crd in crds:
        status, body = cluster.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        assert status in (201, 409), body
    status, body = cluster.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                                  "metadata": {"name": "istio-system"}})
    assert status == 201, body
    mwc = None
    for doc in rendered:
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] in ("istio", "istio-sidecar-injector"):
            status, body = cluster.request("POST", "/api/v1/namespaces/istio-system/configmaps", doc)
            assert status == 201, body
        elif doc["kind"] == "MutatingWebhookConfiguration":
            mwc = doc
    for hook in mwc["webhooks"]:
        hook["clientConfig"] = {"url": url}
    return mwc


@pytest.fixture(scope="module")
def real_injector(tmp_path_factory):
    pytest.importorskip("kubernetes", reason="the live tier needs the cluster extra: pip install -e '.[cluster]'")
    try:
        binary = istiod_mod.pilot_discovery_binary()
        oracle.istioctl_binary("master-20260827")
        cluster = apiserver.Cluster(apiserver.apiserver_binary(), apiserver.etcd_binary(),
                                    extra_args=NO_WATCH_LIST).start()
    except (apiserver.Unavailable, certs.PKIError, oracle.OracleUnavailable) as e:
        pytest.skip(str(e))
    istiod = None
    try:
        kubeconfig = tmp_path_factory.mktemp("real-injector") / "kubeconfig"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: real\n"
            f"clusters:\n- name: real\n  cluster:\n    server: {cluster.url}\n"
            f"    certificate-authority: {cluster.pki['ca_cert']}\n"
            f"users:\n- name: admin\n  user:\n    token: {apiserver.ADMIN_TOKEN}\n"
            "contexts:\n- name: real\n  context: {cluster: real, user: admin}\n")
        istiod = istiod_mod.Istiod(binary, str(kubeconfig), native_sidecars=None)
        mwc = _install(cluster, "https://127.0.0.1:1/inject")      # the URL is set once istiod has its port
        istiod.start()
        for hook in mwc["webhooks"]:
            hook["clientConfig"] = {"url": istiod.url}
        status, body = cluster.request("POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", mwc)
        assert status == 201, body
        deadline = time.monotonic() + 60
        while True:             # istiod's patcher fills the caBundle of its revision's webhooks
            _, got = cluster.request("GET", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/"
                                            "istio-sidecar-injector")
            if all(h["clientConfig"].get("caBundle") for h in got["webhooks"]):
                break
            assert time.monotonic() < deadline, "istiod did not patch the caBundle:\n" + istiod.log_tail()
            time.sleep(0.2)
        real = RealInjector(cluster, str(kubeconfig), istiod)
        wl.namespace(real, "inj", {"istio-injection": "enabled"})
        wl.namespace(real, "plain")
        yield real
    finally:
        if istiod is not None:
            istiod.cleanup()
        cluster.stop()


@pytest.fixture(scope="module")
def control_plane(real_injector):
    from . import controlplane as cp

    try:
        kcm_binary, kwok_binary = cp.controller_manager_binary(), cp.kwok_binary()
        cp.kwok_stages()
    except apiserver.Unavailable as e:
        pytest.skip(str(e))
    real = real_injector
    real.create(cp.fake_node("kwok-node-1"))
    kcm = cp.start_controller_manager(kcm_binary, real.kubeconfig, real.cluster.pki)
    kwok = cp.start_kwok(kwok_binary, real.kubeconfig)
    try:
        until(lambda: any(c["type"] == "Ready" and c["status"] == "True"
                          for c in (real.get("Node", "kwok-node-1").get("status") or {}).get("conditions") or []),
              "kwok-node-1 Ready", kwok)
        yield real
    finally:
        kwok.stop()
        kcm.stop()


def until(condition, what, process=None, timeout=90):
    """condition()'s first truthy answer, polled every 0.5 s; after `timeout` seconds an AssertionError naming
    what was awaited (with the log tail of `process`, when given)."""
    deadline = time.monotonic() + timeout
    while True:
        got = condition()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f"\n{process.log_tail()}" if process else ""))
        time.sleep(0.5)
