"""The `sidecar.istio.io/inject` values on which Istio's lines disagree, through both paths of the CLI.

Before 1.25, `injectRequired` (pkg/kube/inject/inject.go) lower-cases the value and takes y/yes/true/on
for "inject", "" for "use the default" and any other value for "do not inject"; from 1.25 on only "true"
and "false" count and any other value falls back to the policy (Istio's own TestInjectRequired pins
"on" under `policy: disabled` as not injected).  simulator.istio.policy holds both rules, keyed by the
line, for the webhook (the ConfigMap's policy and selectors) and for kube-inject (policy enabled, no
selectors).  Checked here:
- the webhook path: `explain -o json` with each line's chart (`--istio-release`, `policy: disabled`);
- the kube-inject path: `explain -o pod` with each line's chart, and the real istioctl of every line the
  machine can build (the master snapshot wherever the Go module proxy is reachable) on the same inputs.
"""
import json

import pytest

from tests import paths
from tests.conftest import run_cli
from tests.istio import parity

MASTER = paths.MASTER

#: value of the annotation -> {line: injected?} (the same under kube-inject, whose policy is enabled).
ENABLED = {
    "yes": {"1.24.6": True, "1.30.3": True, MASTER: True},
    "True": {"1.24.6": True, "1.30.3": True, MASTER: True},
    "maybe": {"1.24.6": False, "1.30.3": True, MASTER: True},
    "false": {"1.24.6": False, "1.30.3": False, MASTER: False},
}
#: The disagreement of the two copies this module replaced: a `policy: disabled` injector and "yes".
DISABLED = {
    "yes": {"1.24.6": ("injected", "inject-annotation"), "1.30.3": ("not-injected", "policy-disabled"),
            MASTER: ("not-injected", "policy-disabled")},
    "true": {"1.24.6": ("injected", "inject-annotation"), "1.30.3": ("injected", "inject-annotation"),
             MASTER: ("injected", "inject-annotation")},
    "": {"1.24.6": ("not-injected", "policy-disabled"), "1.30.3": ("not-injected", "policy-disabled"),
         MASTER: ("not-injected", "policy-disabled")},
}
LINES = ("1.24.6", "1.30.3", MASTER)


def _chart(line):
    """The line's chart: ../shared for the releases, the Go module cache for master (tests/paths.py)."""
    return paths.require(paths.istio_chart, line)


def _manifest(tmp_path, value):
    from simulator.yamlio.write import dump

    labels = {"app": "web"}
    template = {"metadata": {"labels": labels, "annotations": {"sidecar.istio.io/inject": value}},
                "spec": {"containers": [{"name": "app", "image": "fake.docker.io/app:1.0"}]}}
    path = tmp_path / ("inject-%s.yaml" % (value or "empty"))
    path.write_text(dump({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                          "spec": {"selector": {"matchLabels": labels}, "template": template}}))
    return path


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("value", sorted(DISABLED))
def test_webhook_with_a_disabled_policy(line, value, tmp_path):
    run = run_cli("explain", "-f", str(_manifest(tmp_path, value)), "-n", "mesh", "--istio-release", str(_chart(line)),
                  "--set", "values.global.proxy.autoInject=disabled", "-o", "json")
    assert run.status == 0, run.stderr
    item = json.loads(run.stdout)["items"][0]
    assert (item["verdict"], item["decidedBy"]["rule"]) == DISABLED[value][line]


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("value", sorted(ENABLED))
def test_both_paths_with_an_enabled_policy(line, value, tmp_path):
    """-o json is the webhook's verdict, -o pod kube-inject's manifest: they agree on every line."""
    path = _manifest(tmp_path, value)
    args = ("explain", "-f", str(path), "-n", "mesh", "--istio-release", str(_chart(line)))
    item = json.loads(run_cli(*args, "-o", "json").stdout)["items"][0]
    assert (item["verdict"] == "injected") is ENABLED[value][line]
    pod = run_cli(*args, "-o", "pod")
    assert pod.status == 0, pod.stderr
    assert ("istio-proxy" in pod.stdout) is ENABLED[value][line]


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("value", sorted(ENABLED))
def test_kube_inject_matches_istioctl(istioctl_for, release, value, tmp_path):
    from tests.oracles import istioctl

    istioctl_for(release)
    path = _manifest(tmp_path, value)
    variant = parity.VARIANT_BY_NAME["default"]
    r = parity.run_case(release, variant, path)
    assert r.identical, "%s\nistioctl error: %s\nsimulator error: %s" % (r.detail, r.real_error, r.mine_error)
    s = parity.setup(release, variant)
    real = istioctl.kube_inject_result(release, path, inject_config=s.inputs["inject_config"],
                                       mesh_config=s.inputs["mesh_config"], values=s.inputs["values"],
                                       extra_args=s.kube_args)
    assert real.returncode == 0, real.stderr
    injected = ENABLED[value][release]
    assert ("istio-proxy" in real.stdout) is injected
    assert ("has sidecar injection disabled" in real.stderr) is not injected
