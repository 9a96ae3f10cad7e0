"""`-o kube-inject` and `-o pod` against the real `istioctl kube-inject` (the master snapshot) on public
manifests nobody on the team wrote (tests/istio/realworld.py lists them and says where they come from).

- with istioctl: the CLI gets the three files kube-inject gets and a state labelling every namespace the
  files use for injection. `-o kube-inject` must be istioctl's stdout byte for byte, or fail where it fails
  with its message; `-o pod` must be the same text wherever the cluster's answer is kube-inject's (no
  `warning:` line, no workload kube-inject skips, which it re-encodes while -o pod prints it as written).
  Each answer is recorded in tests/data/realworld/recorded-istioctl-master.json (--update-oracle-goldens).
- without istioctl: `-o kube-inject` with the master chart (`--istio-release`, the same defaults as the
  oracle's `manifest generate`) must match the recorded answers.
Skips say which file or program is missing.
"""
import json

import pytest
import yaml

from tests import paths
from tests.conftest import run_cli
from tests.istio import realworld

CORPUS = realworld.corpus()
IDS = [name for name, _, _ in CORPUS]


def _path_or_skip(path, why):
    if path is None:
        pytest.skip(why)
    return path


@pytest.fixture(scope="module")
def oracle():
    from tests.istio import parity
    from tests.oracles import istioctl

    parity.ensure_oracle_env()
    try:
        istioctl.istioctl_binary(realworld.MASTER)
        return istioctl.oracle_inputs(realworld.MASTER)
    except istioctl.OracleUnavailable as e:
        pytest.skip("the real istioctl %s is not available: %s" % (realworld.MASTER, e.reason))


@pytest.fixture(scope="module")
def recording(request):
    answers = realworld.recorded()
    yield answers
    if request.config.getoption("--update-oracle-goldens"):
        realworld.RECORDED.write_text(json.dumps(dict(sorted(answers.items())), indent=1) + "\n")


def _state(tmp_path, text):
    state = tmp_path / "namespaces.yaml"
    state.write_text(yaml.safe_dump_all([
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": {"istio-injection": "enabled"}}}
        for n in realworld.namespaces([text])]))
    return state


@pytest.mark.parametrize("name, path, why", CORPUS, ids=IDS)
def test_kube_inject_and_pod_output_match_the_real_istioctl(oracle, recording, tmp_path, name, path, why):
    from tests.istio import parity
    from tests.oracles.istioctl import kube_inject_result

    path = _path_or_skip(path, why)
    real = kube_inject_result(realworld.MASTER, path)
    recording[name] = {"stdout_sha256": realworld.digest(real.stdout), "returncode": real.returncode,
                       "skipped": "===> Skipping injection" in real.stderr}
    files = ("--inject-config", str(oracle["inject_config"]), "--values", str(oracle["values"]),
             "--mesh-config", str(oracle["mesh_config"]), "--cluster-state", str(_state(tmp_path, path.read_text())))
    manual = run_cli("explain", "-f", str(path), *files, "-o", "kube-inject")
    if real.returncode != 0:
        message = parity.normalise_error(parity._real_error(real.stderr))
        assert manual.status == 2 and message in parity.normalise_error(manual.stderr), manual.stderr
    else:
        assert manual.status == 0, manual.stderr
        assert manual.stdout == real.stdout
    pod = run_cli("explain", "-f", str(path), *files, "-o", "pod")
    if real.returncode != 0 or "===> Skipping injection" in real.stderr:
        return
    if "warning:" in pod.stderr:   # the cluster's answer is another: said once per document
        assert "-o kube-inject prints istioctl's result" in pod.stderr
        return
    assert pod.status == 0, pod.stderr
    assert pod.stdout == real.stdout


@pytest.mark.parametrize("name, path, why", CORPUS, ids=IDS)
def test_kube_inject_output_matches_the_recorded_istioctl(name, path, why):
    path = _path_or_skip(path, why)
    answer = realworld.recorded().get(name)
    if answer is None:
        pytest.skip("no recorded istioctl answer for %s (run the istioctl test with --update-oracle-goldens)" % name)
    try:
        chart = paths.istio_chart(realworld.MASTER)
    except paths.Missing as e:
        pytest.skip(str(e))
    run = run_cli("explain", "-f", str(path), "--istio-release", str(chart), "-o", "kube-inject")
    if answer["returncode"] != 0:
        assert run.status == 2
        return
    assert run.status == 0, run.stderr
    assert realworld.digest(run.stdout) == answer["stdout_sha256"]
