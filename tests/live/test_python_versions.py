"""The installed wheel on the oldest and newest Python the package supports (3.9, 3.13), with the `cluster` extra
from PyPI (tests/pyvenvs.py: cached venvs, so a warm run reaches PyPI not at all): `status` against the real
kube-apiserver of the live tier, run as a user runs it (the installed `kubectl-inject`, in its own process)."""
import json
import subprocess

import pytest

from .. import pyvenvs
from . import workloads as wl


@pytest.fixture(scope="module")
def wheel():
    return pyvenvs.build_wheel()


@pytest.mark.parametrize("version", ["3.9", "3.13"])
def test_status_from_the_wheel_against_a_real_apiserver(live_cluster, wheel, tmp_path, version):
    live = live_cluster
    name = "smoke-py" + version.replace(".", "")
    wl.namespace(live, name, {"istio-injection": "enabled"})
    _, rs = wl.deployment(live, name, "web", replicas=1)
    wl.pods(live, rs, 1)
    with pyvenvs.cached_venv(version) as (venv, full):
        bin_dir = pyvenvs.install_wheel(venv, wheel)
        env = {"KUBECONFIG": live.kubeconfig, "HOME": str(tmp_path), "PATH": f"{bin_dir}:/usr/bin:/bin",
               "LANG": "C.UTF-8"}
        run = subprocess.run([str(bin_dir / "kubectl-inject"), "status", "-n", name, "-o", "json"], env=env,
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
        shown = subprocess.run([str(bin_dir / "kubectl-inject"), "version", "-o", "json"], env=env, cwd=tmp_path,
                               capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    (item,) = json.loads(run.stdout)["items"]
    assert item["workload"] == {"kind": "Deployment", "name": "web", "namespace": name}
    assert item["expected"]["verdict"] == "injected"
    assert [f["code"] for f in item["findings"]] == ["needs-restart"], "its pod started before the label"
    versions = json.loads(shown.stdout)
    assert versions["python"] == full
    assert versions["kubernetesClient"].split(".")[0] in ("35", "36"), "the cluster extra's client (>=35,<37)"
