"""kubectl's connection overrides against the real API server: `--server` + `--token` with no kubeconfig at all,
the TLS flags (`--certificate-authority`, `--insecure-skip-tls-verify`, `--tls-server-name`), a client
certificate, `--as-uid`, and the failures (bad token, unreadable or wrong CA) as one line, exit 2. Every
combination is run through the real `kubectl` too, and both must agree on whether the cluster can be read."""
import json
import shutil
import subprocess
from types import SimpleNamespace

import pytest

from plugin.kube.client import Client
from plugin.kube.kubeconfig import resolve
from plugin.kube.resources import Resource

from ..conftest import run_cli
from ..realcluster import apiserver
from . import workloads
from .conftest import LIMITED_TOKEN, LIMITED_USER

SELF_SUBJECT_REVIEWS = Resource("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", False)


@pytest.fixture(scope="module")
def wrong_ca(tmp_path_factory):
    """A CA certificate that did not sign the API server's certificate."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a second CA")
    d = tmp_path_factory.mktemp("wrongca")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                    "-days", "1", "-subj", "/CN=someone-else"], cwd=d, check=True, capture_output=True)
    return str(d / "ca.crt")


def _no_kubeconfig(tmp_path):
    return {"HOME": str(tmp_path)}      # no $KUBECONFIG, and ~/.kube/config does not exist


def _whoami(connection):
    """What the API server authenticated the connection as (a SelfSubjectReview: every authenticated user may)."""
    review = Client(connection).create(SELF_SUBJECT_REVIEWS, {"apiVersion": "authentication.k8s.io/v1",
                                                              "kind": "SelfSubjectReview", "metadata": {}}, None)
    return review["status"]["userInfo"]


def test_server_and_token_with_no_kubeconfig_read_the_cluster(live_cluster, tmp_path):
    url, ca = live_cluster.cluster.url, live_cluster.cluster.pki["ca_cert"]
    flags = ["-s", url, "--token", apiserver.ADMIN_TOKEN, "--certificate-authority", ca]
    workloads.namespace(live_cluster, "connflags", {"istio-injection": "enabled"})
    live_cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": "connflags"},
                         "spec": workloads.pod_spec()})
    status = run_cli("status", "-n", "connflags", "-o", "json", *flags, environ=_no_kubeconfig(tmp_path))
    assert status.status == 0 and status.stderr == "", status.stderr
    names = {pod["name"] for row in json.loads(status.stdout)["items"] for pod in row["pods"]}
    assert names == {"bare"}
    explain = run_cli("explain", "-f", "-", "-n", "mesh", "-o", "json", *flags, environ=_no_kubeconfig(tmp_path),
                      stdin="apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}]}\n")
    assert explain.status == 0, explain.stderr
    item, = json.loads(explain.stdout)["items"]
    assert item["verdict"] == "injected"                               # namespace mesh is labelled
    assert set(item["clusterState"].values()) >= {f"live: {url}"}      # no context: named by the server
    snapshot = run_cli("snapshot", "-n", "mesh", "-o", "json", *flags, environ=_no_kubeconfig(tmp_path))
    assert snapshot.status == 0, snapshot.stderr
    assert "MutatingWebhookConfiguration" in {o["kind"] for o in json.loads(snapshot.stdout)["items"]}


def test_a_bad_token_is_one_line_naming_the_server(live_cluster, tmp_path):
    url, ca = live_cluster.cluster.url, live_cluster.cluster.pki["ca_cert"]
    for verb in (["status", "-A"], ["snapshot", "-A"], ["explain", "deployment/httpbin", "-n", "mesh"]):
        run = run_cli(*verb, "-s", url, "--token", "not-a-token", "--certificate-authority", ca,
                      environ=_no_kubeconfig(tmp_path))
        assert (run.status, run.stdout) == (2, ""), verb
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
        assert run.stderr.startswith(f"error: the API server {url} did not accept the credentials given (401 "), run.stderr


def test_the_certificate_authority_is_checked(live_cluster, tmp_path, wrong_ca):
    url = live_cluster.cluster.url
    base = ["status", "-A", "-s", url, "--token", apiserver.ADMIN_TOKEN]
    missing = run_cli(*base, "--certificate-authority", str(tmp_path / "nope.crt"), environ=_no_kubeconfig(tmp_path))
    assert missing.status == 2 and missing.stderr == f"error: --certificate-authority {tmp_path / 'nope.crt'}: " \
                                                    "cannot read it (No such file or directory)\n"
    other = run_cli(*base, "--certificate-authority", wrong_ca, environ=_no_kubeconfig(tmp_path))
    assert other.status == 2 and other.stderr.count("\n") == 1
    assert f"cannot reach the cluster of server {url}: certificate verify failed" in other.stderr
    none = run_cli(*base, environ=_no_kubeconfig(tmp_path))          # the system's CAs do not know this one
    assert none.status == 2 and "certificate verify failed" in none.stderr
    insecure = run_cli(*base, "--insecure-skip-tls-verify", environ=_no_kubeconfig(tmp_path))
    assert insecure.status == 0 and insecure.stderr == "", insecure.stderr     # no per-request warning
    name = run_cli(*base, "--certificate-authority", live_cluster.cluster.pki["ca_cert"], "--tls-server-name",
                   "not-this.example", environ=_no_kubeconfig(tmp_path))
    assert name.status == 2 and "not-this.example" in name.stderr


def test_overrides_replace_the_kubeconfig_user_and_cluster(live_cluster, tmp_path):
    """The limited context's user is replaced by --token; a kubeconfig whose server is wrong is fixed by --server;
    --as-uid reaches the server as Impersonate-Uid; a client certificate signed by the cluster's CA logs in."""
    env = {"KUBECONFIG": live_cluster.kubeconfig}
    limited = resolve(SimpleNamespace(context="live-limited"), env)
    assert _whoami(limited)["username"] == LIMITED_USER
    admin = resolve(SimpleNamespace(context="live-limited", token=apiserver.ADMIN_TOKEN), env)
    assert _whoami(admin)["username"] == apiserver.ADMIN_USER
    run = live_cluster.run("status", "-A", "--token", apiserver.ADMIN_TOKEN, context="live-limited")
    assert run.status == 0 and "forbidden" not in run.stderr, run.stderr
    broken = tmp_path / "kubeconfig"
    broken.write_text(open(live_cluster.kubeconfig).read().replace(live_cluster.cluster.url, "https://127.0.0.1:1"))
    fixed = run_cli("status", "-A", "-s", live_cluster.cluster.url, environ={"KUBECONFIG": str(broken)})
    assert fixed.status == 0, fixed.stderr
    unfixed = run_cli("status", "-A", environ={"KUBECONFIG": str(broken)})
    assert unfixed.status == 2 and "https://127.0.0.1:1" in unfixed.stderr
    someone = resolve(SimpleNamespace(as_user="someone", as_uid="42", as_group=["devs"]), env)
    info = _whoami(someone)
    assert (info["username"], info["uid"], sorted(info["groups"])) == ("someone", "42", ["devs", "system:authenticated"])
    pki = live_cluster.cluster.pki          # the webhook pair is a clientAuth certificate of the cluster's CA
    by_cert = resolve(SimpleNamespace(server=live_cluster.cluster.url, certificate_authority=pki["ca_cert"],
                                      client_certificate=pki["webhook_cert"], client_key=pki["webhook_key"]), {})
    assert _whoami(by_cert)["username"] == "parity-webhook-recorder"


def _kubectl(args, environ):
    return subprocess.run(["kubectl", *args, "get", "namespaces", "-o", "name"], env=environ, capture_output=True,
                          text=True, timeout=60).returncode


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="the real kubectl is not installed")
def test_kubectl_and_the_plugin_agree_on_every_combination(live_cluster, tmp_path, wrong_ca):
    """Whether the namespaces can be read, for each combination of flags: the same for kubectl and the plugin."""
    url, ca = live_cluster.cluster.url, live_cluster.cluster.pki["ca_cert"]
    token = ["--token", apiserver.ADMIN_TOKEN]
    combinations = {
        "token and CA": ["-s", url, *token, "--certificate-authority", ca],
        "-s= and --token=": [f"-s={url}", f"--token={apiserver.ADMIN_TOKEN}", f"--certificate-authority={ca}"],
        "no CA": ["-s", url, *token],
        "insecure": ["-s", url, *token, "--insecure-skip-tls-verify"],
        "insecure=false": ["-s", url, *token, "--insecure-skip-tls-verify=false"],
        "CA and insecure": ["-s", url, *token, "--certificate-authority", ca, "--insecure-skip-tls-verify"],
        "wrong CA": ["-s", url, *token, "--certificate-authority", wrong_ca],
        "missing CA": ["-s", url, *token, "--certificate-authority", str(tmp_path / "none.crt")],
        "bad token": ["-s", url, "--token", "nope", "--certificate-authority", ca],
        "limited token": ["-s", url, "--token", LIMITED_TOKEN, "--certificate-authority", ca],
        "server name localhost": ["-s", url, *token, "--certificate-authority", ca, "--tls-server-name", "localhost"],
        "wrong server name": ["-s", url, *token, "--certificate-authority", ca, "--tls-server-name", "bogus.example"],
        "uid without --as": ["-s", url, *token, "--insecure-skip-tls-verify", "--as-uid", "1"],
        "token, no server": [*token],
    }
    environ = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    disagreements = []
    for name, flags in combinations.items():
        theirs = _kubectl(flags, environ) == 0
        run = run_cli("status", "-A", "-o", "json", *flags, environ=environ)
        # the limited user may not list namespaces: kubectl fails, the plugin names the refusal and goes on
        ours = run.status == 0 and "forbidden to list namespaces" not in run.stderr
        if theirs != ours:
            disagreements.append((name, theirs, run.status, run.stderr))
        if run.status == 2:
            assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, (name, run.stderr)
    assert disagreements == []


def test_completion_names_come_through_the_override_flags(live_cluster, tmp_path):
    """`kubectl inject explain -s URL --token T --certificate-authority CA -n <TAB>` with no kubeconfig at all."""
    url, ca = live_cluster.cluster.url, live_cluster.cluster.pki["ca_cert"]
    words = ["-s", url, f"--token={apiserver.ADMIN_TOKEN}", "--certificate-authority", ca]
    run = run_cli("__complete", "explain", *words, "-n", "mes", environ=_no_kubeconfig(tmp_path))
    assert run.status == 0 and run.stdout.splitlines()[0].split("\t")[0] == "mesh", run.stdout
    insecure = run_cli("__complete", "explain", "-s", url, "--token", apiserver.ADMIN_TOKEN,
                       "--insecure-skip-tls-verify", "-n", "istio-", environ=_no_kubeconfig(tmp_path))
    assert insecure.stdout.splitlines()[0].split("\t")[0] == "istio-system", insecure.stdout
    refused = run_cli("__complete", "explain", "-s", url, "--token", "bad", "--certificate-authority", ca, "-n", "",
                      environ=_no_kubeconfig(tmp_path))
    assert refused.status == 0 and refused.stdout.splitlines()[:-1] == []      # nothing, and no error
