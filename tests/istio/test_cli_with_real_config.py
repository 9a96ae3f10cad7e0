"""The CLI wired to a real Istio configuration: `explain -o pod` must print, byte for byte, what
`istioctl kube-inject` prints, and the verdict must come through Istio's own webhook path.  Skips where
no istioctl of a line exists (the master snapshot's is built from the Go module proxy, CI included)."""
import os

import pytest
import yaml

from tests.conftest import run_cli
from tests.istio import parity



@pytest.fixture(scope="module")
def real_state(istioctl_1_30_3, tmp_path_factory):
    from tests.oracles.istioctl import oracle_inputs
    from plugin.state.sources import load_default

    paths = oracle_inputs("1.30.3")
    docs = [d.obj for d in load_default() if d.obj["kind"] != "ConfigMap"]
    docs.append({"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "istio-sidecar-injector", "namespace": "istio-system"},
                 "data": {"config": open(paths["inject_config"]).read(), "values": open(paths["values"]).read()}})
    docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "istio", "namespace": "istio-system"},
                 "data": {"mesh": open(paths["mesh_config"]).read()}})
    state = tmp_path_factory.mktemp("state") / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs))
    return state


@pytest.mark.parametrize("release", parity.RELEASES)
def test_pod_output_is_kube_injects_text_for_the_whole_corpus(istioctl_for, release, tmp_path):
    """Every corpus input, with the three files kube-inject takes and the object's namespace labelled
    for injection.  Where istioctl refuses the input, the CLI must refuse it with the same message; where
    istioctl skips a workload (hostNetwork, inject=false), the webhook path must not inject it either
    (-o pod then prints the user's object as given, where kube-inject re-encodes it); everywhere else
    the text must be identical."""
    import json

    from tests.oracles.istioctl import kube_inject_result, oracle_inputs

    istioctl_for(release)
    paths = oracle_inputs(release)
    state = tmp_path / "namespaces.yaml"   # every namespace the corpus uses, labelled for injection
    state.write_text(yaml.safe_dump_all([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": {"istio-injection": "enabled"}}}
        for n in ("default", "test", "test-ns", "sample")]))
    files = ("--cluster-state", str(state), "--inject-config", str(paths["inject_config"]),
             "--values", str(paths["values"]), "--mesh-config", str(paths["mesh_config"]))
    compared, problems = 0, []
    for path in parity.corpus_inputs():
        real = kube_inject_result(release, path)
        run = run_cli("explain", "-f", str(path), *files, "-o", "pod")
        if real.returncode != 0:
            message = parity.normalise_error(parity._real_error(real.stderr))
            if run.status != 2 or message not in parity.normalise_error(run.stderr):
                problems.append("%s: istioctl failed with %r; the CLI said %r" % (path.name, message, run.stderr))
            continue
        if "===> Skipping injection" in real.stderr:
            verdicts = json.loads(run_cli("explain", "-f", str(path), *files, "-o", "json").stdout)["items"]
            if not verdicts or all(v["verdict"] == "injected" for v in verdicts):
                problems.append("%s: istioctl skipped injection, the webhook path injected everything" % path.name)
            continue
        compared += 1
        if run.status != 0 or run.stdout != real.stdout:
            problems.append("%s: status %d, output differs from kube-inject's%s" % (
                path.name, run.status, "" if run.stdout else ": " + run.stderr.strip()))
    assert compared > 60
    assert not problems, "\n".join(problems)


def test_explain_uses_istios_webhook_path(real_state):
    run = run_cli("explain", "-f", os.path.join(parity.CORPUS, "hello.yaml"), "-n", "mesh",
                  "--cluster-state", str(real_state), "-o", "json")
    import json

    item = json.loads(run.stdout)["items"][0]
    assert item["verdict"] == "injected"
    template = next(s for s in item["stages"] if s["stage"] == "template")["calls"][0]
    assert template["engine"] == "go" and template["templates"] == ["sidecar"]
    assert "istio-ca-crl" in template["added"]["volumes"]


def test_the_three_istioctl_files_work_like_kube_inject(istioctl_1_30_3):
    from tests.oracles.istioctl import kube_inject, oracle_inputs

    paths = oracle_inputs("1.30.3")
    path = os.path.join(parity.CORPUS, "hello.yaml")
    run = run_cli("explain", "-f", path, "-n", "mesh", "--inject-config", str(paths["inject_config"]),
                  "--values", str(paths["values"]), "--mesh-config", str(paths["mesh_config"]), "-o", "pod")
    assert run.status == 0, run.stderr
    assert [d for d in yaml.safe_load_all(run.stdout) if d] == [d for d in yaml.safe_load_all(kube_inject("1.30.3", path)) if d]
