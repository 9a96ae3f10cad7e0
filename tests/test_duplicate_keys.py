"""A key written twice in a manifest, JSON or YAML: kubectl creates the object with the last value
(tests/realcluster/test_duplicate_keys.py runs the real kubectl against the real kube-apiserver on the same
files), so kubectl-inject explains that object, with no error or warning."""
import json

import pytest

from tests.conftest import run_cli
from tests.duplicate_cases import CASES, plugin_view

QUIET = {"KUBECTL_INJECT_WORKERS": "1", "KUBECTL_INJECT_CACHE": "off"}


@pytest.mark.parametrize("name,text,labels,containers", CASES, ids=[c[0] for c in CASES])
def test_the_last_value_of_a_duplicate_key_is_the_objects(tmp_path, name, text, labels, containers):
    path = tmp_path / name
    path.write_text(text)
    run = run_cli("explain", "--offline", "-f", str(path), "-n", "mesh", "-o", "pod", environ=QUIET)
    assert run.status == 0 and "error" not in run.stderr and "warning" not in run.stderr, run.stderr
    assert plugin_view(run.stdout, labels) == (labels, containers)


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_the_last_injection_label_decides(tmp_path, suffix):
    """`sidecar.istio.io/inject` written twice, in a namespace without the injection label (where the pod's
    own label selects the injector's object webhook): the last value decides."""
    text = next(t for n, t, _, _ in CASES if n == f"inject-label.{suffix}")   # "false", then "true"
    swapped = text.replace('"true"', '"x"').replace('"false"', '"true"').replace('"x"', '"false"')
    verdicts = []
    for i, manifest in enumerate((text, swapped)):
        path = tmp_path / f"pod-{i}.{suffix}"
        path.write_text(manifest)
        run = run_cli("explain", "--offline", "-f", str(path), "-n", "default", "-o", "json", environ=QUIET)
        assert run.status == 0, run.stderr
        verdicts.append(json.loads(run.stdout)["items"][0]["verdict"])
    assert verdicts == ["injected", "not-injected"]
