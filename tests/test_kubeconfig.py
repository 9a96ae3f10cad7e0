"""Which cluster a command talks to, resolved as kubectl resolves it (plugin/kube/kubeconfig.py), and what
the CLI does with the answer before any request: the embedded default with a note, --offline, errors."""
import os
import sys
from types import SimpleNamespace

import pytest

from plugin.kube.kubeconfig import Connection, KubeconfigError, NoCluster, parse_request_timeout, resolve

from .conftest import run_cli

HTTPBIN = os.path.join(os.path.dirname(__file__), "data", "httpbin.yaml")


def flags(**kw):
    return SimpleNamespace(**kw)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def kubeconfig(current="", contexts=(), clusters=(), users=()):
    lines = ["apiVersion: v1", "kind: Config"]
    if current:
        lines.append(f"current-context: {current}")
    lines.append("contexts:")
    for name, cluster, user, *ns in contexts:
        body = f"{{cluster: {cluster}" + (f", user: {user}" if user else "") + (f", namespace: {ns[0]}" if ns else "") + "}"
        lines.append(f"- name: {name}\n  context: {body}")
    lines.append("clusters:")
    for name, server, *extra in clusters:
        lines.append(f"- name: {name}\n  cluster:\n    server: {server}")
        for k, v in (extra[0] if extra else {}).items():
            lines.append(f"    {k}: {v}")
    lines.append("users:")
    for name, body in users:
        lines.append(f"- name: {name}\n  user: {body}")
    return "\n".join(lines) + "\n"


def test_no_kubeconfig_anywhere_means_no_cluster(tmp_path):
    assert isinstance(resolve(flags(), {}), NoCluster)
    assert "neither $KUBECONFIG nor $HOME" in resolve(flags(), {}).reason
    assert "~/.kube/config does not exist" in resolve(flags(), {"HOME": str(tmp_path)}).reason
    assert "names no existing file" in resolve(flags(), {"KUBECONFIG": str(tmp_path / "nope")}).reason


def test_home_kubeconfig_current_context(tmp_path):
    write(tmp_path / ".kube" / "config", kubeconfig("dev", [("dev", "c1", "u1", "apps")],
                                                   [("c1", "https://10.0.0.1:6443")], [("u1", "{token: t}")]))
    conn = resolve(flags(), {"HOME": str(tmp_path)})
    assert isinstance(conn, Connection)
    assert (conn.context, conn.cluster, conn.user, conn.server, conn.namespace) == \
        ("dev", "c1", "u1", "https://10.0.0.1:6443", "apps")
    assert conn.describe() == 'context "dev" (server https://10.0.0.1:6443)'
    assert conn.config["current-context"] == "dev" and conn.config["users"][0]["user"] == {"token": "t"}


def test_several_files_merge_as_kubectl_does(tmp_path):
    """current-context from the first file that sets one (the Python client takes the last); clusters, users
    and contexts: the first definition of a name wins."""
    a = write(tmp_path / "a", kubeconfig("ctx1", [("ctx1", "shared", "")], [("shared", "https://a:1")]))
    b = write(tmp_path / "b", kubeconfig("other-ctx", [("other-ctx", "shared", ""), ("ctx1", "bogus", "")],
                                         [("shared", "https://b:2"), ("only-b", "https://b:3")]))
    conn = resolve(flags(), {"KUBECONFIG": os.pathsep.join([a, str(tmp_path / "missing"), b, a])})
    assert (conn.context, conn.server) == ("ctx1", "https://a:1")
    assert conn.files == [a, b]
    other = resolve(flags(context="other-ctx", cluster="only-b"), {"KUBECONFIG": os.pathsep.join([a, b])})
    assert (other.context, other.cluster, other.server) == ("other-ctx", "only-b", "https://b:3")


def test_relative_paths_are_relative_to_their_file(tmp_path):
    cfg = write(tmp_path / "conf" / "kc", kubeconfig(
        "x", [("x", "c", "u")], [("c", "https://h:1", {"certificate-authority": "pki/ca.crt"})],
        [("u", "{client-certificate: pki/u.crt, client-key: /abs/u.key, exec: {command: ./bin/login, apiVersion: "
               "client.authentication.k8s.io/v1}}")]))
    conn = resolve(flags(), {"KUBECONFIG": cfg})
    base = str(tmp_path / "conf")
    assert conn.config["clusters"][0]["cluster"]["certificate-authority"] == os.path.join(base, "pki/ca.crt")
    user = conn.config["users"][0]["user"]
    assert user["client-certificate"] == os.path.join(base, "pki/u.crt") and user["client-key"] == "/abs/u.key"
    assert user["exec"]["command"] == os.path.join(base, "./bin/login")


def test_flags_override_and_namespace_order(tmp_path):
    cfg = write(tmp_path / "kc", kubeconfig("a", [("a", "c1", "u1", "team"), ("b", "c2", "")],
                                            [("c1", "https://one:1"), ("c2", "https://two:2")],
                                            [("u1", "{token: t1}"), ("u2", "{token: t2, as: bob, as-groups: [devs]}")]))
    env = {"KUBECONFIG": cfg}
    assert resolve(flags(), env).namespace == "team"
    assert resolve(flags(namespace="other"), env).namespace == "other"
    assert resolve(flags(context="b"), env).namespace == "default"
    conn = resolve(flags(user="u2"), env)
    assert (conn.user, conn.impersonate_user, conn.impersonate_groups) == ("u2", "bob", ["devs"])
    assert "as" not in conn.config["users"][0]["user"]
    conn = resolve(flags(as_user="alice", as_group=["g1", "g2"]), env)
    assert (conn.impersonate_user, conn.impersonate_groups) == ("alice", ["g1", "g2"])


@pytest.mark.parametrize("given, message", [
    (dict(context="nope"), 'context "nope" does not exist'),
    (dict(as_group=["g"]), "--as-group needs --as"),
    (dict(user="ghost"), 'user "ghost"'),
    (dict(cluster="ghost"), 'cluster "ghost"'),
    (dict(request_timeout="soon"), "invalid --request-timeout"),
])
def test_what_kubectl_refuses_is_an_error(tmp_path, given, message):
    cfg = write(tmp_path / "kc", kubeconfig("a", [("a", "c1", "")], [("c1", "https://one:1")]))
    with pytest.raises(KubeconfigError, match=message.replace("(", r"\(")):
        resolve(flags(**given), {"KUBECONFIG": cfg})


def test_explicit_kubeconfig_must_exist_and_name_a_context(tmp_path):
    with pytest.raises(KubeconfigError, match="no such file"):
        resolve(flags(kubeconfig=str(tmp_path / "missing")), {})
    bare = write(tmp_path / "bare", kubeconfig("", [("a", "c1", "")], [("c1", "https://one:1")]))
    with pytest.raises(KubeconfigError, match="sets no current-context"):
        resolve(flags(kubeconfig=bare), {})
    assert resolve(flags(kubeconfig=bare, context="a"), {}).server == "https://one:1"
    # found through $KUBECONFIG, the same file only means "no cluster named"
    assert "sets no current-context" in resolve(flags(), {"KUBECONFIG": bare}).reason
    broken = write(tmp_path / "broken", "clusters: [\n")
    with pytest.raises(KubeconfigError, match="not valid YAML"):
        resolve(flags(), {"KUBECONFIG": broken})


def test_in_cluster_when_no_kubeconfig(tmp_path):
    sa = tmp_path / "sa"
    write(sa / "token", "tok")
    write(sa / "namespace", "apps\n")
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    conn = resolve(flags(), env, service_account_dir=str(sa))
    assert conn.in_cluster and conn.server == "https://10.96.0.1:443" and conn.namespace == "apps"
    assert resolve(flags(), dict(env, POD_NAMESPACE="pods"), service_account_dir=str(sa)).namespace == "pods"
    assert resolve(flags(), dict(env, KUBERNETES_SERVICE_HOST="fd00::1"), str(sa)).server == "https://[fd00::1]:443"
    assert isinstance(resolve(flags(), env, service_account_dir=str(tmp_path / "none")), NoCluster)
    cfg = write(tmp_path / "kc", kubeconfig("a", [("a", "c1", "")], [("c1", "https://one:1")]))
    assert not resolve(flags(), dict(env, KUBECONFIG=cfg), service_account_dir=str(sa)).in_cluster


@pytest.mark.parametrize("text, seconds", [("0", None), ("", None), ("5", 5.0), ("1m30s", 90.0), ("500ms", 0.5),
                                           ("1.5s", 1.5), ("2h", 7200.0)])
def test_request_timeout_as_kubectl_reads_it(text, seconds):
    assert parse_request_timeout(text) == seconds


# -- the CLI ----------------------------------------------------------------------------------------------


def test_without_kubeconfig_explain_uses_the_default_and_says_so_first():
    default = run_cli("explain", "-f", HTTPBIN, "-n", "mesh")
    offline = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--offline")
    assert default.status == offline.status == 0
    first, blank, *rest = default.stdout.split("\n")
    assert first.startswith("note: no kubeconfig") and "embedded default cluster" in first and blank == ""
    assert "\n".join(rest) == offline.stdout           # --offline: today's output, unchanged
    as_json = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json")
    assert as_json.stdout == run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--offline").stdout


def test_cluster_state_and_offline_never_read_the_kubeconfig(tmp_path):
    cfg = write(tmp_path / "kc", kubeconfig("a", [("a", "c1", "")], [("c1", "https://127.0.0.1:1")]))
    for extra in (["--offline"], ["--cluster-state", os.path.join(os.path.dirname(HTTPBIN), "..", "..",
                                                                  "plugin", "data", "default-cluster.yaml")]):
        run = run_cli("explain", "-f", HTTPBIN, *extra, environ={"KUBECONFIG": cfg})
        assert run.status == 0 and "note:" not in run.stdout, run.stderr


def test_a_kubeconfig_error_is_one_line_and_exit_2(tmp_path):
    run = run_cli("explain", "-f", HTTPBIN, "--context", "prod")
    assert run.status == 2 and run.stdout == ""
    assert run.stderr.splitlines() == ['error: context "prod" does not exist in any kubeconfig '
                                       "(neither $KUBECONFIG nor $HOME is set)"]


def test_without_the_client_package_a_live_run_says_what_to_install(tmp_path, monkeypatch):
    cfg = write(tmp_path / "kc", kubeconfig("a", [("a", "c1", "")], [("c1", "https://127.0.0.1:1")]))
    monkeypatch.setitem(sys.modules, "kubernetes", None)      # `import kubernetes` raises ImportError
    run = run_cli("explain", "-f", HTTPBIN, environ={"KUBECONFIG": cfg})
    assert run.status == 2 and run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "pip install 'kubectl-inject[cluster]'" in run.stderr
    assert "--offline" in run.stderr
