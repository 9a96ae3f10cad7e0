"""What the real kubectl makes of a manifest with a key written twice (JSON and YAML: top level, metadata.labels,
a container; tests/duplicate_cases.py), against the real kube-apiserver (server-side dry run), for create,
apply and apply --server-side with each `--validate` mode: it creates the object with the last value, and says
nothing.  kube-apiserver itself refuses those bytes under the `fieldValidation=Strict` kubectl asks for
(`strict decoding error: duplicate field "spec"`): kubectl decodes the file and sends its own encoding, in
which the duplicate is gone.  kubectl-inject, on the same files, explains that same object (its `-o pod`
shows the labels and containers kubectl's object has), with no error or warning."""
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.conftest import run_cli
from tests.duplicate_cases import CASES, pod_view, plugin_view

from . import apiserver

VALIDATE = [None, "strict", "warn", "false"]


@pytest.fixture(scope="module")
def kubectl(real_apiserver, tmp_path_factory):
    """`kubectl ARGS -n NS` against the real kube-apiserver, as its admin."""
    binary = shutil.which("kubectl")
    if binary is None:
        pytest.skip("the real kubectl is not on PATH: what it does with duplicate keys cannot be checked")
    namespace = real_apiserver.resolve_namespaces({"duplicate-keys": {}})["duplicate-keys"]
    cluster = real_apiserver.cluster
    kubeconfig = tmp_path_factory.mktemp("kubectl") / "kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "real",
        "clusters": [{"name": "real", "cluster": {"server": cluster.url,
                                                  "certificate-authority": cluster.pki["ca_cert"]}}],
        "users": [{"name": "admin", "user": {"token": apiserver.ADMIN_TOKEN}}],
        "contexts": [{"name": "real", "context": {"cluster": "real", "user": "admin"}}]}))
    environ = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(kubeconfig.parent))

    def run(*args):
        return subprocess.run([binary, *args, "-n", namespace], env=environ, capture_output=True, text=True,
                              timeout=120)
    run.namespace = namespace
    return run


_PATHS = {"Pod": "/api/v1/namespaces/%s/pods", "Deployment": "/apis/apps/v1/namespaces/%s/deployments"}


@pytest.mark.parametrize("name,text", [(c[0], c[1]) for c in CASES if c[0].endswith(".json")],
                         ids=[c[0] for c in CASES if c[0].endswith(".json")])
def test_the_apiserver_refuses_the_bytes_under_the_strict_validation_kubectl_asks_for(real_apiserver, kubectl,
                                                                                      name, text):
    """So kubectl's success above is its own decoding's: the duplicate never reaches the server."""
    cluster = real_apiserver.cluster
    kind = json.loads(text)["kind"]
    request = urllib.request.Request(cluster.url + _PATHS[kind] % kubectl.namespace + "?dryRun=All&fieldValidation=Strict",
                                     data=text.encode(), method="POST")
    request.add_header("Authorization", "Bearer " + apiserver.ADMIN_TOKEN)
    request.add_header("Content-Type", "application/json")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=cluster.ssl_context, timeout=60)
    assert refused.value.code == 400
    message = json.loads(refused.value.read())["message"]
    assert "strict decoding error: duplicate field" in message, message


@pytest.mark.parametrize("validate", VALIDATE, ids=[f"validate={v}" if v else "default" for v in VALIDATE])
@pytest.mark.parametrize("verb", ["create", "apply", "apply --server-side"])
@pytest.mark.parametrize("name,text,labels,containers", CASES, ids=[c[0] for c in CASES])
def test_kubectl_creates_the_last_value_and_so_does_the_plugin(kubectl, tmp_path, name, text, labels, containers,
                                                               verb, validate):
    path = tmp_path / name
    path.write_text(text)
    real = kubectl(*verb.split(), "--dry-run=server", "-f", str(path), "-o", "json",
                   *([f"--validate={validate}"] if validate else []))
    assert real.returncode == 0 and real.stderr == "", real.stderr
    created_labels, created_containers = pod_view(json.loads(real.stdout))
    assert ({k: created_labels.get(k) for k in labels}, created_containers) == (labels, containers)
    ours = run_cli("explain", "--offline", "-f", str(path), "-n", "mesh", "-o", "pod",
                   environ={"KUBECTL_INJECT_CACHE": "off"})
    assert ours.status == 0 and ours.stderr == "", ours.stderr
    assert plugin_view(ours.stdout, labels) == (labels, containers)
