"""kubectl's connection-override flags (`-s/--server`, `--token`, `--certificate-authority`, `--client-certificate`,
`--client-key`, `--insecure-skip-tls-verify`, `--tls-server-name`, `--as-uid`) as kubeconfig resolution applies
them: field by field over the chosen cluster and user, as clientcmd's ConfigOverrides (what kubectl 1.32 did
against a real API server is in tests/live/test_connection_flags.py; these are the fast, offline checks)."""
import os

import pytest

from plugin.kube.kubeconfig import Connection, KubeconfigError, NoCluster, resolve

from .conftest import run_cli
from .test_kubeconfig import flags, kubeconfig, write

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def files(tmp_path):
    ca = write(tmp_path / "pki" / "ca.crt", PEM)
    crt = write(tmp_path / "pki" / "u.crt", PEM)
    key = write(tmp_path / "pki" / "u.key", KEY)
    cfg = write(tmp_path / "kc", kubeconfig(
        "a", [("a", "c1", "u1", "team")],
        [("c1", "https://one:1", {"certificate-authority-data": "Q0E=", "tls-server-name": "kube.internal"})],
        [("u1", "{token: t1, as: bob, as-uid: '7'}"), ("certuser", "{client-certificate-data: Q0VSVA==, "
                                                                  "client-key-data: S0VZ}")]))
    return {"ca": ca, "crt": crt, "key": key, "env": {"KUBECONFIG": cfg}}


def cluster_of(conn):
    return conn.config["clusters"][0]["cluster"]


def user_of(conn):
    return conn.config["users"][0]["user"] if conn.config["users"] else {}


def test_server_and_token_work_with_no_kubeconfig_at_all(tmp_path):
    conn = resolve(flags(server="https://10.0.0.9:6443", token="abc"), {"HOME": str(tmp_path)})
    assert isinstance(conn, Connection)
    assert (conn.server, conn.namespace, conn.context, conn.files) == ("https://10.0.0.9:6443", "default", "", [])
    assert cluster_of(conn) == {"server": "https://10.0.0.9:6443"} and user_of(conn) == {"token": "abc"}
    assert conn.describe() == "server https://10.0.0.9:6443" and conn.name == "https://10.0.0.9:6443"
    assert resolve(flags(server="https://h:1", namespace="apps"), {}).namespace == "apps"


def test_credentials_without_any_server_are_refused_not_silently_replaced_by_the_default(tmp_path):
    """kubectl would try http://localhost:8080; answering for the embedded default would hide the mistake."""
    with pytest.raises(KubeconfigError, match="--token names no cluster by itself .*give the API server with --server"):
        resolve(flags(token="abc"), {"HOME": str(tmp_path)})
    assert isinstance(resolve(flags(), {"HOME": str(tmp_path)}), NoCluster)


def test_overrides_replace_the_chosen_cluster_and_user_fields(files):
    conn = resolve(flags(server="https://two:2", token="t2", certificate_authority=files["ca"]), files["env"])
    cluster = cluster_of(conn)
    assert (conn.context, conn.cluster, conn.user, conn.server, conn.namespace) == ("a", "c1", "u1", "https://two:2", "team")
    # a CA given replaces the kubeconfig's CA data; --server clears its tls-server-name (clientcmd's getCluster)
    assert cluster == {"server": "https://two:2", "certificate-authority": files["ca"]}
    assert user_of(conn) == {"token": "t2"}
    assert (conn.impersonate_user, conn.impersonate_uid) == ("bob", "7")     # the user's as/as-uid still apply
    kept = resolve(flags(tls_server_name="other.name"), files["env"])
    assert cluster_of(kept) == {"server": "https://one:1", "certificate-authority-data": "Q0E=",
                                "tls-server-name": "other.name"}
    assert cluster_of(resolve(flags(), files["env"]))["tls-server-name"] == "kube.internal"


def test_insecure_skip_tls_verify_replaces_the_certificate_authority(files):
    conn = resolve(flags(insecure_skip_tls_verify=True), files["env"])
    assert cluster_of(conn) == {"server": "https://one:1", "tls-server-name": "kube.internal",
                                "insecure-skip-tls-verify": True}
    with pytest.raises(KubeconfigError, match="--certificate-authority and --insecure-skip-tls-verify cannot both"):
        resolve(flags(insecure_skip_tls_verify=True, certificate_authority=files["ca"]), files["env"])


def test_files_given_on_the_command_line_are_checked_and_made_absolute(files, tmp_path, monkeypatch):
    with pytest.raises(KubeconfigError, match=r"^--certificate-authority /nope\.crt: cannot read it \(No such file"):
        resolve(flags(certificate_authority="/nope.crt"), files["env"])
    not_pem = write(tmp_path / "notpem", "hello\n")
    with pytest.raises(KubeconfigError, match="--certificate-authority .*notpem: not a PEM file"):
        resolve(flags(certificate_authority=not_pem), files["env"])
    monkeypatch.chdir(tmp_path)
    conn = resolve(flags(certificate_authority="pki/ca.crt", client_certificate="pki/u.crt", client_key="pki/u.key"),
                   files["env"])
    assert cluster_of(conn)["certificate-authority"] == files["ca"]
    assert user_of(conn) == {"token": "t1", "client-certificate": files["crt"], "client-key": files["key"]}


@pytest.mark.parametrize("given, message", [
    (dict(client_certificate="crt"), "--client-certificate needs --client-key"),
    (dict(client_key="key"), "--client-key needs --client-certificate"),
    (dict(user="certuser", client_certificate="crt", client_key="key"), "already has client-certificate-data"),
    (dict(as_uid="5", user="certuser"), r"--as-uid needs --as"),
])
def test_what_kubectl_refuses_about_certificates_and_impersonation(files, given, message):
    given = {k: files.get(v, v) for k, v in given.items()}
    with pytest.raises(KubeconfigError, match=message):
        resolve(flags(**given), files["env"])


def test_no_credentials_are_sent_to_a_plain_http_server(files):
    """kubectl reads no auth info unless the transport is TLS (a host without a scheme is http, as client-go's
    DefaultServerURL makes it): the token is not sent in clear."""
    conn = resolve(flags(server="127.0.0.1:8080", token="secret"), {})
    assert conn.server == "http://127.0.0.1:8080" and conn.config["users"] == []


def test_in_cluster_takes_token_and_certificate_authority_overrides(tmp_path, files):
    sa = tmp_path / "sa"
    write(sa / "token", "tok")
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    assert resolve(flags(), env, service_account_dir=str(sa)).in_cluster
    conn = resolve(flags(token="other", certificate_authority=files["ca"]), env, service_account_dir=str(sa))
    assert not conn.in_cluster and conn.server == "https://10.96.0.1:443" and conn.name == "in-cluster"
    assert cluster_of(conn)["certificate-authority"] == files["ca"] and user_of(conn) == {"token": "other"}
    assert resolve(flags(server="https://x:1"), env, service_account_dir=str(sa)).server == "https://x:1"


def test_the_flags_parse_as_kubectl_spells_them(tmp_path, capsys):
    """`-s=URL`, `--token=T`, and the pflag boolean `--insecure-skip-tls-verify[=false]` that never eats the
    next word; a bad value is one line, exit 2."""
    from plugin.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["explain", "--insecure-skip-tls-verify", "deploy/x", "-s=https://h:1", "--token=abc",
                              "--as", "u", "--as-uid", "9"])
    assert (args.insecure_skip_tls_verify, args.server, args.token, args.as_uid) == (True, "https://h:1", "abc", "9")
    assert "deploy/x" in str(vars(args))
    assert parser.parse_args(["status", "--insecure-skip-tls-verify=false"]).insecure_skip_tls_verify is False
    assert parser.parse_args(["snapshot", "--insecure-skip-tls-verify=True"]).insecure_skip_tls_verify is True
    for verb in ("explain", "status", "snapshot", "apply", "watch", "lab"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([verb, "--help"])
        helptext = capsys.readouterr().out
        for flag in ("--server", "--token", "--certificate-authority", "--client-certificate", "--client-key",
                     "--insecure-skip-tls-verify", "--tls-server-name", "--as-uid"):
            assert flag in helptext, (verb, flag)
    run = run_cli("status", "--token", "abc", environ={"HOME": str(tmp_path)})
    assert run.status == 2 and run.stderr.count("\n") == 1 and "--server" in run.stderr


def test_completion_reads_the_override_flags_typed_so_far():
    from plugin.commands.complete import _connection_words

    words = _connection_words(["explain", "-s=https://h:1", "--token", "t", "--insecure-skip-tls-verify",
                               "--certificate-authority=/ca", "--as-uid", "3", "deploy/"])
    assert (words.server, words.token, words.insecure_skip_tls_verify, words.certificate_authority, words.as_uid) \
        == ("https://h:1", "t", True, "/ca", "3")
    assert _connection_words(["--insecure-skip-tls-verify=false", "x"]).insecure_skip_tls_verify is False


def test_the_lab_passes_the_flags_on_but_never_prints_the_token():
    from types import SimpleNamespace

    from plugin.lab.runner import _connection_flags, _join

    args = SimpleNamespace(server="https://h:1", token="s3cret", insecure_skip_tls_verify=True, as_user="u",
                           as_uid="4", as_group=["g"], request_timeout="0")
    words = _connection_flags(args)
    assert words == ["--server", "https://h:1", "--token", "s3cret", "--as", "u", "--as-uid", "4",
                     "--insecure-skip-tls-verify", "--as-group", "g"]
    shown = _join(["kubectl", "get", "pods"] + words + ["--token=s3cret"])
    assert "s3cret" not in shown and "--token REDACTED" in shown and "--token=REDACTED" in shown


def test_relative_flag_paths_do_not_depend_on_the_kubeconfig_location(files, tmp_path, monkeypatch):
    """kubeconfig paths are relative to their file; flag paths to the working directory (as kubectl)."""
    monkeypatch.chdir(os.path.dirname(files["ca"]))
    conn = resolve(flags(certificate_authority="ca.crt"), files["env"])
    assert cluster_of(conn)["certificate-authority"] == files["ca"]
