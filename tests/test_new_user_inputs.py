"""What a new user runs into first (issue 10, part 2): a --cluster-state that does not load, Namespaces in
the input, `-o patch`'s shape, and `-o pod` next to `istioctl kube-inject` for a kube-system workload.

All offline, against the embedded default (or Istio 1.30.3's chart from ../shared where a real Istio
configuration is needed; those skip, saying so, without it)."""
import json
import os

import pytest
import yaml

from tests import paths
from tests.conftest import run_cli

HERE = os.path.dirname(__file__)
HTTPBIN = os.path.join(HERE, "data", "httpbin.yaml")
REAL = os.path.join(HERE, "data", "realworld")


def _one_error_line(run, *needles):
    lines = [l for l in run.stderr.splitlines() if l.startswith("error:")]
    assert len(lines) == 1, run.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


# --- --cluster-state that fails to load is fatal ------------------------------------------------------

#: kind of broken source -> (what to write at the path: None none, "" a directory, else bytes; the message)
BROKEN_STATES = {
    "missing": (None, "no such file or directory"),
    "empty-dir": ("", "holds no Kubernetes objects (an empty directory)"),
    "empty-file": (b"", "holds no Kubernetes objects (an empty file)"),
    "comments-only": (b"# nothing here\n---\n", "holds no Kubernetes objects"),
    "not-utf8": (b"\xff\xfe\x00", "cannot read"),
    "malformed": (b"kind: [\n", "malformed YAML"),
}


def _broken_state(tmp_path, kind):
    if kind == "dev-null":
        if not os.path.exists("/dev/null"):
            pytest.skip("/dev/null is missing on this machine")
        return "/dev/null", "a character device"
    content, what = BROKEN_STATES[kind]
    path = tmp_path / "state"
    if content == "":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return str(path), what


@pytest.mark.parametrize("kind", sorted(BROKEN_STATES) + ["dev-null"])
def test_a_cluster_state_that_does_not_load_stops_the_run(tmp_path, kind):
    path, what = _broken_state(tmp_path, kind)
    for output in ("text", "json", "pod"):
        run = run_cli("explain", "-f", HTTPBIN, "--cluster-state", path, "-o", output)
        assert run.status == 2
        assert run.stdout == "", "no result against the embedded default"
        _one_error_line(run, "--cluster-state " + path, what)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_cluster_state_stops_the_run(tmp_path):
    f = tmp_path / "state.yaml"
    f.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: mesh}\n")
    f.chmod(0)
    run = run_cli("explain", "-f", HTTPBIN, "--cluster-state", str(f))
    assert run.status == 2 and run.stdout == ""
    _one_error_line(run, "--cluster-state " + str(f), "Permission denied")


def test_one_bad_cluster_state_among_good_ones_still_stops_the_run(tmp_path):
    good = tmp_path / "ns.yaml"
    good.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: mesh, labels: {istio-injection: enabled}}\n")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(good),
                  "--cluster-state", str(tmp_path / "nope"))
    assert run.status == 2 and run.stdout == ""
    _one_error_line(run, "--cluster-state " + str(tmp_path / "nope"))
    assert run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(good)).status == 0


def test_an_empty_cluster_state_on_stdin_is_an_error():
    run = run_cli("explain", "-f", HTTPBIN, "--cluster-state", "-", stdin="")
    assert run.status == 2 and run.stdout == ""
    _one_error_line(run, "--cluster-state -", "holds no Kubernetes objects")


# --- Namespaces in the input --------------------------------------------------------------------------

NS_AND_POD = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled, team: payments}
---
apiVersion: v1
kind: Pod
metadata: {name: cart, namespace: shop}
spec:
  containers: [{name: cart, image: nginx}]
"""


def test_a_namespace_in_the_input_is_created_with_its_labels(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text(NS_AND_POD)
    run = run_cli("explain", "-f", str(f), "-o", "json")
    assert run.status == 0, run.stderr
    item, = json.loads(run.stdout)["items"]
    assert item["verdict"] == "injected"
    assert "Namespace shop created as kubectl apply would (istio-injection=enabled, team=payments)" in run.stderr
    assert "the input's Namespace documents" in item["clusterState"]["Namespace"]
    text = run_cli("explain", "-f", str(f)).stdout
    assert "Namespace from embedded default, then the input's Namespace documents" in text


def test_a_namespace_in_a_directory_counts_whichever_file_holds_it(tmp_path):
    (tmp_path / "a-pod.yaml").write_text(NS_AND_POD.split("---\n")[1])
    (tmp_path / "z-namespace.yaml").write_text(NS_AND_POD.split("---\n")[0])
    run = run_cli("explain", "-f", str(tmp_path), "-o", "json")
    assert run.status == 0, run.stderr
    assert json.loads(run.stdout)["items"][0]["verdict"] == "injected"


def test_an_input_namespace_merges_its_labels_into_the_cluster_states(tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
                     "  labels: {istio-injection: disabled, owner: ops}\n")
    f = tmp_path / "app.yaml"
    f.write_text(NS_AND_POD)
    run = run_cli("explain", "-f", str(f), "--cluster-state", str(state), "-o", "json")
    assert run.status == 0, run.stderr
    item, = json.loads(run.stdout)["items"]
    assert item["verdict"] == "injected"   # the file's istio-injection=enabled overrides the cluster's
    selection = next(s for s in item["stages"] if s["stage"] == "webhook-selection")
    assert selection["namespaceLabels"]["owner"] == "ops"    # a label the file does not set stays
    assert "merged into the cluster state's" in run.stderr
    # --ns-label is still the last word (what-if on top of what would be applied)
    off = run_cli("explain", "-f", str(f), "--cluster-state", str(state), "--ns-label", "istio-injection-", "-o", "json")
    assert json.loads(off.stdout)["items"][0]["verdict"] == "not-injected"


def test_a_namespace_the_api_server_would_refuse_is_reported(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text(NS_AND_POD.replace("team: payments", "team: 42"))
    run = run_cli("explain", "-f", str(f), "-o", "json")
    assert run.status == 2 and "Traceback" not in run.stderr
    refused, pod = [l for l in run.stderr.splitlines() if l.startswith("error:")]
    assert str(f) in refused and "document 0" in refused and "field metadata.labels.team" in refused
    assert 'namespace "shop" is not in the cluster state' in pod   # so its pod has no namespace to go to


def test_pod_output_still_prints_the_namespace_as_written(tmp_path):
    f = tmp_path / "app.yaml"
    f.write_text(NS_AND_POD)
    run = run_cli("explain", "-f", str(f), "-o", "pod")
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(NS_AND_POD.split("---\n")[0] + "---\n")
    assert "istio-proxy" in run.stdout


# --- -o patch: one shape -------------------------------------------------------------------------------

def _sorted_everywhere(value):
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(_sorted_everywhere(v) for v in value.values())
    if isinstance(value, list):
        return all(_sorted_everywhere(v) for v in value)
    return True


@pytest.mark.parametrize("docs", [1, 2])
def test_patch_output_has_one_shape_whatever_the_number_of_objects(tmp_path, docs):
    text = open(HTTPBIN).read()
    f = tmp_path / "in.yaml"
    f.write_text("---\n".join([text] * docs))
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "--ns-label", "istio-injection=enabled", "-o", "patch")
    assert run.status == 0, run.stderr
    data = json.loads(run.stdout)
    assert list(data) == ["items"] and len(data["items"]) == docs
    for item in data["items"]:
        assert item["object"] == {"kind": "Deployment", "name": "httpbin", "namespace": "mesh"}
        assert item["patch"] and all(set(op) >= {"op", "path"} for op in item["patch"])
    assert _sorted_everywhere(data)
    # the JSON is the same bytes whatever the hash seed: keys sorted, not in insertion order
    assert run.stdout == json.dumps(data, indent=2, sort_keys=True) + "\n"


def test_patch_of_an_object_not_injected_is_an_empty_list():
    run = run_cli("explain", "-f", HTTPBIN, "-o", "patch")
    assert json.loads(run.stdout) == {"items": [{"object": {"kind": "Deployment", "name": "httpbin",
                                                           "namespace": "default"}, "patch": []}]}


# --- kube-system: the cluster's answer and kube-inject's ------------------------------------------------

def _chart_or_skip():
    try:
        return str(paths.istio_chart("1.30.3"))
    except paths.Missing as e:
        pytest.skip(str(e))


def test_pod_output_warns_where_kube_inject_would_inject_a_kube_system_workload():
    chart = _chart_or_skip()
    f = os.path.join(REAL, "kube-system-daemonset.yaml")
    pod = run_cli("explain", "-f", f, "--istio-release", chart, "-o", "pod")
    assert pod.status == 0, pod.stderr
    assert pod.stdout == open(f).read().replace("\n---\n", "\n---\n") + "---\n"   # what the cluster runs: as written
    warnings = [l for l in pod.stderr.splitlines() if l.startswith("warning:")]
    assert len(warnings) == 1
    assert "DaemonSet kube-system/node-agent" in warnings[0] and "-o kube-inject" in warnings[0]
    assert 'ignores namespace "kube-system"' in warnings[0]
    manual = run_cli("explain", "-f", f, "--istio-release", chart, "-o", "kube-inject")
    assert manual.status == 0, manual.stderr
    docs = [d for d in yaml.safe_load_all(manual.stdout) if d]
    assert [d["kind"] for d in docs] == ["ServiceAccount", "DaemonSet"]
    assert "istio-proxy" in [c["name"] for c in docs[1]["spec"]["template"]["spec"]["containers"] +
                             docs[1]["spec"]["template"]["spec"].get("initContainers", [])]
    # the ServiceAccount kube-inject passes through comes back as written, licence comment and all
    assert manual.stdout.startswith("# A node agent, as cluster add-ons ship it\napiVersion: v1\n")


def test_no_warning_where_both_agree():
    chart = _chart_or_skip()
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--ns-label", "istio-injection=enabled",
                  "--istio-release", chart, "-o", "pod")
    assert run.status == 0 and "warning:" not in run.stderr


def test_kube_inject_output_needs_a_real_istio_configuration():
    run = run_cli("explain", "-f", HTTPBIN, "-o", "kube-inject")
    assert run.status == 2 and run.stdout == ""
    _one_error_line(run, "-o kube-inject", "--istio-release")
