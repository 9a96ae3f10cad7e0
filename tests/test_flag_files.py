"""--inject-config, --values and --mesh-config: a file that cannot work is one line naming the flag, the file,
and where known the line and field; exit 2, nothing explained against a configuration the user did not give.
What istiod tolerates in a configuration it loaded (a selector it skips, a mesh it cannot read) stays a
warning against the file that holds it, and the explanation goes on with istiod's behaviour."""
import json

import pytest

from .conftest import run_cli
from .test_hostile_input import HTTPBIN, _check_lines

CONFIG = ("policy: enabled\ntemplates:\n  sidecar: |\n    spec:\n      containers:\n      - name: istio-proxy\n"
          "        image: proxy:{{ .Values.global.tag }}\n")
VALUES = '{"global": {"tag": "9.9"}}'
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {}\n"
LEGACY = "policy: enabled\ntemplate: |-\n  initContainers:\n  - name: istio-init\n    image: docker.io/istio/proxy_init:0.7.1\n"


def _files(tmp_path, **texts):
    out = {}
    for name, text in texts.items():
        path = tmp_path / name.replace("_", ".")
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
        out[name] = str(path)
    return out


# (id, files, flags (with {name} for a file's path), the one stderr line expected, as a format of the paths)
REFUSED = [
    ("a-deployment", {"cfg_yaml": DEPLOYMENT}, ["--inject-config", "{cfg_yaml}"],
     "--inject-config {cfg_yaml}: field kind: a Deployment (apps/v1), not an injector configuration: give the "
     "istio-sidecar-injector ConfigMap, its config (kubectl -n istio-system get configmap istio-sidecar-injector "
     "-o jsonpath='{{.data.config}}') or a sidecar template"),
    ("only-a-policy", {"cfg_yaml": "policy: disabled\n", "v_json": VALUES},
     ["--inject-config", "{cfg_yaml}", "--values", "{v_json}"],
     '--inject-config {cfg_yaml}: field templates: no injection templates: it has no "templates:". istiod would '
     'reject every pod it injects (requested template "sidecar" not found); --inject-config replaces the whole '
     "configuration, as istioctl --injectConfigFile does: start from kubectl -n istio-system get configmap "
     "istio-sidecar-injector -o jsonpath='{{.data.config}}'"),
    ("the-blogs-legacy-template-key", {"cfg_yaml": LEGACY, "v_json": VALUES},
     ["--inject-config", "{cfg_yaml}", "--values", "{v_json}"],
     '--inject-config {cfg_yaml}: field templates: no injection templates: its "template:" key is the pre-1.10 '
     'form, which Istio 1.10 and later ignore: put the template under "templates: {{sidecar: ...}}". istiod would '
     'reject every pod it injects (requested template "sidecar" not found); --inject-config replaces the whole '
     "configuration, as istioctl --injectConfigFile does: start from kubectl -n istio-system get configmap "
     "istio-sidecar-injector -o jsonpath='{{.data.config}}'"),
    ("no-values", {"cfg_yaml": CONFIG}, ["--inject-config", "{cfg_yaml}"],
     "--inject-config {cfg_yaml}: needs --values too: the embedded default's values belong to its own profile, "
     "not to this configuration (istioctl kube-inject reads them from the cluster: kubectl -n istio-system get "
     "configmap istio-sidecar-injector -o jsonpath='{{.data.values}}')"),
    ("missing-file", {}, ["--inject-config", "/nonexistent"], "--inject-config /nonexistent: no such file"),
    ("a-directory", {}, ["--values", "/"], "--values /: is a directory, not a file"),
    ("a-device", {}, ["--mesh-config", "/dev/zero"], "--mesh-config /dev/zero: cannot read: a character device"),
    ("binary-inject-config", {"cfg_yaml": b"\x7fELF\x02\x01\x01\x00\xd0\xff"}, ["--inject-config", "{cfg_yaml}"],
     "--inject-config {cfg_yaml}: not UTF-8 text (byte 0xd0 at offset 8); expected YAML or JSON"),
    ("binary-values", {"v_json": b"\xff\xfe"}, ["--values", "{v_json}"],
     "--values {v_json}: not UTF-8 text (byte 0xff at offset 0); expected YAML or JSON"),
    ("selectors-not-a-list", {"cfg_yaml": CONFIG + "neverInjectSelector: 5\n", "v_json": VALUES},
     ["--inject-config", "{cfg_yaml}", "--values", "{v_json}"],
     "--inject-config {cfg_yaml}: line 8: field neverInjectSelector: neverInjectSelector must be a list of label "
     "selectors"),
    ("config-yaml-broken", {"cfg_yaml": CONFIG + "aliases: [\n", "v_json": VALUES},
     ["--inject-config", "{cfg_yaml}", "--values", "{v_json}"],
     "--inject-config {cfg_yaml}: line 9: invalid YAML: did not find expected node content"),
    ("values-broken", {"cfg_yaml": CONFIG, "v_json": '{"global": [1'},
     ["--inject-config", "{cfg_yaml}", "--values", "{v_json}"],
     "--values {v_json}: values is neither JSON nor YAML: line 2, column 1: did not find expected ',' or ']'"),
    ("mesh-broken", {"m_yaml": "defaultConfig:\n  concurrency: \"abc\"\n"}, ["--mesh-config", "{m_yaml}"],
     "--mesh-config {m_yaml}: failed to convert to proto.: invalid character 'a' looking for beginning of value"),
]


@pytest.mark.parametrize("name,files,flags,line", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_that_cannot_work_is_one_line_naming_flag_and_file(tmp_path, name, files, flags, line):
    paths = _files(tmp_path, **files)
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", *[f.format(**paths) for f in flags])
    _check_lines(run)
    assert run.status == 2
    assert run.stderr.splitlines() == ["error: " + line.format(**paths)]
    assert run.stdout == ""


def test_a_bad_selector_is_blamed_on_the_users_file_and_skipped(tmp_path):
    bad = "neverInjectSelector:\n- matchExpressions:\n  - {key: a, operator: Bogus}\n"
    paths = _files(tmp_path, cfg_yaml=CONFIG + bad, v_json=VALUES)
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", paths["cfg_yaml"], "--values",
                  paths["v_json"], "-o", "json")
    assert run.status == 2
    assert run.stderr.splitlines() == [
        f"error: --inject-config {paths['cfg_yaml']}: line 9: field neverInjectSelector[0].matchExpressions[0].operator: "
        "'Bogus' is not a valid label selector operator (one of In, NotIn, Exists, DoesNotExist) (Istio skips this "
        "selector)"]
    assert "default-cluster.yaml" not in run.stderr
    assert json.loads(run.stdout)["items"][0]["verdict"] == "injected"


def test_the_injector_configmap_itself_is_taken_with_its_values(tmp_path):
    import yaml

    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "istio-sidecar-injector",
                                                                "namespace": "istio-system"},
          "data": {"config": CONFIG, "values": VALUES}}
    paths = _files(tmp_path, cm_yaml=yaml.safe_dump(cm))
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", paths["cm_yaml"], "-o", "pod")
    assert run.status == 0, run.stderr
    pod = next(d for d in yaml.safe_load_all(run.stdout) if d and d["kind"] == "Deployment")
    images = [c["image"] for c in pod["spec"]["template"]["spec"]["containers"]]
    assert "proxy:9.9" in images


def test_a_mesh_istiod_cannot_read_is_a_warning_and_istiods_defaults(tmp_path):
    """istiod's mesh watcher: "invalid mesh config, using last known state" (the defaults, on a fresh
    start); the pods are not rejected for it."""
    import yaml

    mesh_cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "istio", "namespace": "istio-system"},
               "data": {"mesh": "defaultConfig:\n  concurrency: \"abc\"\n"}}
    paths = _files(tmp_path, state_yaml=yaml.safe_dump(mesh_cm), cfg_yaml=CONFIG, v_json=VALUES)
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", paths["state_yaml"],
                  "--inject-config", paths["cfg_yaml"], "--values", paths["v_json"], "-o", "json")
    assert json.loads(run.stdout)["items"][0]["verdict"] == "injected"
    assert run.status == 2
    lines = [x for x in run.stderr.splitlines() if "data.mesh" in x]
    assert lines == [f"error: {paths['state_yaml']}: document 0, line 3: field data.mesh: failed to convert to "
                     "proto.: invalid character 'a' looking for beginning of value (istiod ignores a mesh config it "
                     "cannot read and uses its defaults)"], run.stderr
    assert "rejected" not in run.stderr
