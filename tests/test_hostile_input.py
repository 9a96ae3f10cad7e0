"""Hostile input: what a fuzzing campaign found, one row per class.  Whatever the input, the user gets an
answer or one line per problem (naming the file), the right exit code, and bounded time and memory: never a
traceback, an "internal error", a hang or libre2's own log lines.

Rows run the CLI in-process; the classes that involve the process itself (stdout closed or full, a
non-UTF-8 encoding, named pipes, what C code prints on stderr) run the real entry point.
"""
import json
import os
import re
import stat
import subprocess
import sys
import time

import pytest

from . import paths
from .conftest import REPO, run_cli

ENTRY = os.path.join(REPO, "kubectl-inject")
DEFAULT_CLUSTER = os.path.join(REPO, "plugin", "data", "default-cluster.yaml")
HTTPBIN = os.path.join(REPO, "tests", "data", "httpbin.yaml")

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
%s
spec:
  containers:
  - name: c
    image: nginx
"""


def _deep_block(levels):
    return "".join("  " * (i + 2) + "k:\n" for i in range(levels)) + "  " * (levels + 2) + "v\n"


# --- the documents explained ---------------------------------------------------------------------------

# (id, input text, extra args, exit status, a regular expression the stderr must match (or None))
DOCUMENTS = [
    ("int-over-4300-digits-in-a-string-field", POD % ("  annotations:\n    a: " + "9" * 5000), [], 0, None),
    ("int-over-4300-digits-in-an-int-field", DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: " + "9" * 5000
                                                                 + "\n  selector", 1), [], 2,
     r"line 6: field spec\.replicas: Deployment in version \"v1\" cannot be handled as a Deployment: .* of type int32$"),
    ("int-over-4300-digits-in-json", '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": '
                                     '{"priority": ' + "9" * 5000 + ', "containers": [{"name": "c", "image": "i"}]}}',
     [], 2, r"cannot unmarshal .* PodSpec\.spec\.priority of type int32"),
    ("nesting-1000-deep-block-style", POD % "" + "  x:\n" + _deep_block(1000), [], 2,
     r"document 0, line 1: field spec\.x: nests more than 200 levels deep"),
    ("nesting-1000-deep-flow-style", POD % "" + "  x: " + "[" * 1000 + "]" * 1000 + "\n", [], 2,
     r"field spec\.x: nests more than 200 levels deep"),
    ("nesting-1000-deep-in-annotations", POD % ("  annotations:\n" + _deep_block(1000)), [], 2,
     r"field metadata\.annotations: nests more than"),
    ("list-items-a-number", "apiVersion: v1\nkind: List\nitems: 5\n", [], 2,
     r"field items: a List's items must be a list, not a number"),
    ("list-items-a-mapping", "apiVersion: v1\nkind: List\nitems: {a: b}\n", [], 2, r"items must be a list, not a mapping"),
    ("pod-template-metadata-a-scalar", DEPLOYMENT.replace("    metadata:\n      labels: {app: web}\n", "    metadata: 5\n"),
     [], 2, r"line 8: field spec\.template\.metadata: metadata must be a mapping, not a number"),
    ("status-annotation-a-list", POD % "  annotations:\n    sidecar.istio.io/status: '[1, 2]'", [], 0, None),
    ("status-annotation-of-wrong-types", POD % ("  annotations:\n    sidecar.istio.io/status: "
                                                "'{\"containers\": 5, \"volumes\": [1]}'"), [], 0, None),
    ("status-annotation-null", POD % "  annotations:\n    sidecar.istio.io/status: 'null'", [], 0, None),
    # JSON inside an annotation, nested deeper than the engine follows (Python's decoder and the merge would
    # run out of stack): refused where it is read, like a document nested as deep
    ("status-annotation-1500-deep", POD % ("  annotations:\n    sidecar.istio.io/status: '" + "[" * 1500 + "]" * 1500
                                           + "'"), [], 2,
     r"line \d+: field metadata\.annotations\.sidecar\.istio\.io/status: nests more than 200 levels deep, more than "
     r"kubectl-inject follows"),
    ("overrides-annotation-1500-deep", POD % ("  annotations:\n    proxy.istio.io/overrides: '{\"containers\": "
                                              + "[" * 1500 + "]" * 1500 + "}'"), [], 2,
     r"field metadata\.annotations\.proxy\.istio\.io/overrides: nests more than 200 levels deep"),
    ("pod-template-annotation-1500-deep", DEPLOYMENT.replace("      labels: {app: web}\n", "      labels: {app: web}\n"
                                                             "      annotations:\n        x: '" + "{\"a\": " * 1500
                                                             + "1" + "}" * 1500 + "'\n"), [], 2,
     r"field spec\.template\.metadata\.annotations\.x: nests more than 200 levels deep"),
    # kubectl and istioctl cut the stream at `---` lines before YAML reads it: a directive is left without
    # its document, and the file is refused where kubectl refuses it
    ("yaml-directive", "%YAML 1.1\n---\n" + POD % "", [], 2,
     r"document 0, line 2: malformed YAML: did not find expected <document start>"),
    # kubectl 1.32 refuses a List inside a List (checked against a real kube-apiserver): nothing is created
    ("list-inside-a-list", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - "
                           + POD.replace("\n", "\n    ").rstrip() % "" + "\n", [], 2,
     r"document 0, line 1: field items\[0\]: a List inside a List, which kubectl refuses"),
    ("brackets-inside-a-json-string-are-not-nesting", POD % ("  annotations:\n    x: '[\"" + "[" * 1500 + "\"]'"),
     [], 0, None),
]


def _check_lines(run):
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    for line in run.stderr.splitlines():
        assert len(line) < 2000, line[:300]


@pytest.mark.parametrize("name,text,args,status,stderr", DOCUMENTS, ids=[r[0] for r in DOCUMENTS])
def test_hostile_documents(tmp_path, name, text, args, status, stderr):
    f = tmp_path / "input.yaml"
    f.write_text(text)
    run = run_cli("explain", "-f", str(f), "-n", "mesh", *args)
    _check_lines(run)
    assert run.status == status, run.stderr
    if stderr:
        assert re.search(stderr, run.stderr), run.stderr
        assert str(f) in run.stderr
    for output in ("json", "pod"):   # every output path survives it too (-o pod skips the typed decode:
        again = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", output, *args)   # issue #10, section 2)
        _check_lines(again)
        assert again.status in (0, 2), again.stderr


# --- cluster state of odd shapes -----------------------------------------------------------------------

def _state_with(tmp_path, kind, replace):
    """The embedded default cluster with the document of `kind` rewritten; its template file beside it."""
    text = open(DEFAULT_CLUSTER, encoding="utf-8").read()
    docs = text.split("\n---\n")
    i = next(n for n, d in enumerate(docs) if f"\nkind: {kind}\n" in "\n" + d)
    docs[i] = replace(docs[i])
    (tmp_path / "sidecar.yaml.j2").write_text(open(os.path.join(REPO, "plugin", "data", "sidecar.yaml.j2")).read())
    path = tmp_path / "state.yaml"
    path.write_text("\n---\n".join(docs))
    return str(path)


FIRST_HOOK = "- name: rev.namespace.sidecar-injector.istio.io\n"
WEBHOOKS = [
    ("webhooks-null", lambda d: d.split("webhooks:\n")[0] + "webhooks:\n- null\n",
     r'MutatingWebhookConfiguration.admissionregistration.k8s.io "istio-sidecar-injector" is invalid: '
     r"\[webhooks\[0\]\.name: Required value, webhooks\[0\]\.clientConfig: Required value"),
    ("webhooks-a-number", lambda d: d.split("webhooks:\n")[0] + "webhooks: 5\n",
     r"cannot unmarshal number into Go struct field MutatingWebhookConfiguration\.webhooks of type "
     r"\[\]v1\.MutatingWebhook"),
    ("clientConfig-a-string", lambda d: d.replace("  clientConfig:\n    service:\n", "  clientConfig: istiod\n  x:\n    service:\n", 1),
     r"cannot unmarshal string into Go struct field MutatingWebhook\.webhooks\.clientConfig of type v1\.WebhookClientConfig"),
    ("service-name-a-number", lambda d: d.replace("      name: istiod\n", "      name: 5\n", 1),
     r"cannot unmarshal number into Go struct field ServiceReference\.webhooks\.clientConfig\.service\.name of type string"),
    ("label-a-number", lambda d: d.replace("    istio.io/rev: default\n", "    istio.io/rev: 5\n", 1),
     r"cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string"),
    ("matchConditions-a-number", lambda d: d.replace(FIRST_HOOK, FIRST_HOOK + "  matchConditions: 5\n", 1),
     r"cannot unmarshal number into Go struct field MutatingWebhook\.webhooks\.matchConditions of type \[\]v1\.MatchCondition"),
]


@pytest.mark.parametrize("name,replace,stderr", WEBHOOKS, ids=[r[0] for r in WEBHOOKS])
def test_webhook_configurations_kube_apiserver_would_not_store(tmp_path, name, replace, stderr):
    state, run, line = _refused_state(tmp_path, "MutatingWebhookConfiguration", replace, "mesh",
                                      "MutatingWebhookConfiguration")
    assert line.startswith(f"error: {state}: document "), line
    assert re.search(stderr, line), line


def _refused_state(tmp_path, kind, replace, namespace, marker):
    """(state path, run, the stderr line holding `marker`) of an explain against the default cluster with
    its `kind` document rewritten into one the state refuses (exit 2, every line one line)."""
    state = _state_with(tmp_path, kind, replace)
    run = run_cli("explain", "-f", HTTPBIN, "-n", namespace, "--cluster-state", state)
    _check_lines(run)
    assert run.status == 2
    return state, run, next(x for x in run.stderr.splitlines() if marker in x)


CONFIGMAPS = [
    ("config-a-number", "data:\n  config: 5\n", r"data\.config: ConfigMap in version \"v1\" cannot be handled as a "
                                                  r"ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap\.data of type string"),
    ("config-a-mapping", "data:\n  config: {policy: enabled}\n", r"cannot unmarshal object into Go struct field ConfigMap\.data"),
    ("values-a-list", "data:\n  config: 'policy: enabled'\n  values: [1]\n", r"data\.values: .*cannot unmarshal array"),
    ("data-a-string", "data: hello\n", r"cannot unmarshal string into Go struct field ConfigMap\.data of type map\[string\]string"),
    ("values-global-a-number (Go templates)", "data:\n  config: 'policy: enabled\n\n    templates: {sidecar: \"spec: {}\"}'\n"
                                              "  values: '{\"global\": 5}'\n",
     r"could not parse configuration values: global: wrong type int"),
]


def _go_engine(doc):
    return re.sub(r"\n    kubectl-inject\.io/[a-z-]+: [^\n]*", "", doc)


@pytest.mark.parametrize("name,data,stderr", CONFIGMAPS, ids=[r[0] for r in CONFIGMAPS])
def test_injector_configmaps_of_odd_shapes(tmp_path, name, data, stderr):
    state = _state_with(tmp_path, "ConfigMap", lambda d: _go_engine(d.split("\ndata:\n")[0]) + "\n" + data)
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state)
    _check_lines(run)
    assert run.status == 2
    assert re.search(stderr, run.stderr), run.stderr


STORED = [   # (id, kind, rewrite of the default cluster's first document of that kind, stderr)
    ("namespace-name-a-list", "Namespace", lambda d: d.replace("  name: default\n", "  name: [default]\n", 1),
     r'field metadata\.name: Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal '
     r"array into Go struct field ObjectMeta\.metadata\.name of type string"),
    ("namespace-metadata-a-list", "Namespace", lambda d: d.split("metadata:")[0] + "metadata: [x]\n",
     r"field metadata: .*cannot unmarshal array into Go struct field Namespace\.metadata of type v1\.ObjectMeta"),
    ("namespace-namespace-a-mapping", "Namespace", lambda d: d.replace("  name: default\n",
                                                                       "  name: default\n  namespace: {a: 1}\n", 1),
     r"field metadata\.namespace: .*cannot unmarshal object into Go struct field ObjectMeta\.metadata\.namespace"),
    ("namespace-labels-a-list", "Namespace", lambda d: d.split("  labels:")[0] + "  labels: [x]\n",
     r"field metadata\.labels: .*cannot unmarshal array into Go struct field ObjectMeta\.metadata\.labels"),
    ("namespace-label-a-number", "Namespace", lambda d: d.split("  labels:")[0] + "  labels: {team: 5}\n",
     r"field metadata\.labels\.team: .*cannot unmarshal number"),
    ("namespace-without-a-name", "Namespace", lambda d: d.replace("  name: default\n", "", 1),
     r"field metadata\.name: Required value: name or generateName is required"),
]


@pytest.mark.parametrize("name,kind,replace,stderr", STORED, ids=[r[0] for r in STORED])
def test_state_objects_the_api_server_could_not_hold(tmp_path, name, kind, replace, stderr):
    """Reported against the file, and left out - without the embedded default's objects of that kind
    standing in for them: namespace "default" is then not in the cluster state."""
    state, run, line = _refused_state(tmp_path, kind, replace, "default", "field metadata")
    assert line.startswith(f"error: {state}: document 0, line "), line
    assert re.search(stderr, line), line
    assert 'namespace "default" is not in the cluster state' in run.stderr


@pytest.mark.parametrize("output", ["text", "pod", "html"])
def test_flag_files_over_a_configmap_the_api_server_could_not_hold(tmp_path, output):
    state = _state_with(tmp_path, "ConfigMap", lambda d: _go_engine(d.split("\ndata:\n")[0]) + "\ndata: 5\n")
    config = tmp_path / "inject.yaml"
    config.write_text("policy: enabled\ntemplates:\n  sidecar: |\n    spec: {}\n")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state, "--inject-config", str(config),
                  "-o", output)
    _check_lines(run)
    assert run.status == 2
    assert re.search(rf"^error: {re.escape(state)}: document \d+, line \d+: field data: .*cannot unmarshal number "
                     r"into Go struct field ConfigMap\.data of type map\[string\]string$", run.stderr, re.M), run.stderr


@pytest.mark.parametrize("output", ["text", "html", "svg", "json"])
def test_an_unreadable_injector_configmap_is_told_against_its_file(tmp_path, output):
    """The verdict is `unknown` (every output has a way to show it) and the error names file and line."""
    state = _state_with(tmp_path, "ConfigMap", lambda d: _go_engine(d.split("\ndata:\n")[0])
                        + "\ndata:\n  config: 'a: ['\n  values: '{}'\n")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state, "-o", output)
    _check_lines(run)
    assert run.status == 2
    assert re.search(rf"^error: {re.escape(state)}: document \d+, line \d+: field data\.config: invalid YAML",
                     run.stderr, re.M), run.stderr
    assert "unknown" in run.stdout.lower()


def test_values_nested_deeper_than_followed(tmp_path):
    deep = "[" * 1500 + "]" * 1500
    state = _state_with(tmp_path, "ConfigMap", lambda d: d.split("\n  values:")[0] + "\n  values: '{\"a\": "
                        + deep + "}'\n")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state)
    _check_lines(run)
    assert run.status == 2
    assert re.search(r"data\.values: nests more than 200 levels deep", run.stderr), run.stderr
    values = tmp_path / "values.json"
    values.write_text('{"global": ' + deep + "}")
    config = tmp_path / "inject.yaml"
    config.write_text("policy: enabled\ntemplates:\n  sidecar: |\n    spec: {}\n")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(config), "--values", str(values))
    _check_lines(run)
    assert run.status == 2
    assert re.search(rf"--values {re.escape(str(values))}: nests more than 200 levels deep", run.stderr), run.stderr


def test_a_template_that_renders_nesting_deeper_than_followed_is_a_template_error(tmp_path):
    """Go fails it in the typed decode (a list where a string goes).  The engine's merge may run out of stack
    first, and then says so; either way it is the template's failure, in one line."""
    config = tmp_path / "inject.yaml"
    config.write_text('policy: enabled\ntemplates:\n  sidecar: |\n    spec:\n      containers:\n      - name: p\n'
                      '        args: {{ repeat 1500 "[" }}{{ repeat 1500 "]" }}\n')
    values = tmp_path / "values.json"
    values.write_text("{}")
    for output in ("text", "kube-inject"):
        run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(config), "--values", str(values),
                      "-o", output)
        _check_lines(run)
        assert run.status == 2
        assert re.search(r"failed applying injection overlay: (the rendered text nests more than 200 levels deep|"
                         r"unmarshal patched pod: json: cannot unmarshal array into Go struct field "
                         r"Container\.spec\.containers\.args of type string)", run.stdout + run.stderr), \
            run.stdout[-2000:] + run.stderr


def test_go_multierrors_are_one_line_wherever_a_problem_is_told(tmp_path):
    """Istio's annotation check fails with hashicorp/go-multierror's text ("1 error occurred:\\n\\t* ...\\n\\n"):
    on stderr, in the one-line summary and in the full text it is one line; -o json keeps Istio's message."""
    chart = str(paths.require(paths.any_istio_chart)[1])
    f = tmp_path / "pods.yaml"
    f.write_text(POD % "  annotations:\n    sidecar.istio.io/proxyCPU: 'x'" + "---\n" +
                 POD.replace("name: p", "name: q") % "")
    args = ("explain", "-f", str(f), "-n", "mesh", "--istio-release", chart, "--offline")
    run = run_cli(*args)
    assert run.status == 2
    errors = run.stderr.splitlines()
    assert len(errors) == 1 and re.search(r"Pod p would be rejected: .*failed to run injection template: 1 error "
                                          r"occurred: \* invalid value 'x' for annotation 'sidecar\.istio\.io/proxyCPU'",
                                          errors[0]), run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 4 and lines[0].startswith("Pod mesh/p: REJECTED") and lines[1].startswith("Pod mesh/q: INJ"), \
        run.stdout
    one = tmp_path / "p.yaml"
    one.write_text(POD % "  annotations:\n    sidecar.istio.io/proxyCPU: 'x'")
    full = run_cli("explain", "-f", str(one), "-n", "mesh", "--istio-release", chart, "--offline")
    templates = [x for x in full.stdout.splitlines() if x.startswith("3. Templates")]
    assert templates and "1 error occurred: * invalid value" in templates[0], full.stdout
    assert not any(x.startswith(("\\t*", "\t*")) for x in full.stdout.splitlines()), full.stdout
    manual = run_cli("explain", "-f", str(f), "--istio-release", chart, "-o", "kube-inject")
    assert len(manual.stderr.splitlines()) == 1 and "stops here: failed to run injection template: 1 error occurred: *" \
        in manual.stderr, manual.stderr
    data = json.loads(run_cli(*args, "-o", "json").stdout)
    assert "1 error occurred:\\n\\t* invalid value" in json.dumps(data["items"][0]["stages"])   # Istio's text


@pytest.mark.parametrize("levels,refused", [(9998, False), (9999, True)])
def test_kube_inject_refuses_json_past_go_decoders_depth(tmp_path, levels, refused):
    """istioctl decodes each document's JSON (for its TypeMeta first): encoding/json refuses more than
    10,000 levels, the document counting as one; go-yaml itself follows them."""
    chart = str(paths.require(paths.any_istio_chart)[1])
    f = tmp_path / "deep.yaml"
    f.write_text(POD % "" + "  extra: " + "[" * levels + "]" * levels + "\n")
    run = run_cli("explain", "-f", str(f), "--istio-release", chart, "-o", "kube-inject")
    if refused:
        assert run.status == 2 and run.stdout == ""
        assert run.stderr == (f"error: {f}: istioctl kube-inject stops here: error unmarshaling JSON: while decoding "
                              "JSON: invalid character '[' exceeded max depth\n")
    else:
        assert run.status == 0, run.stderr
        assert "istio-proxy" in run.stdout


def test_a_run_of_empty_documents_is_read_in_linear_work(tmp_path, monkeypatch):
    """-o pod cuts the stream into pieces that must hold an object; a run of 20,000 bare `---` lines was
    parsed again at every cut (quadratic: 39 s for 100,000)."""
    from simulator import yamlio

    calls = []
    real = yamlio._fast_document
    monkeypatch.setattr(yamlio, "_fast_document", lambda *a: calls.append(1) or real(*a))
    f = tmp_path / "empty.yaml"
    f.write_text("---\n" * 20000 + POD % "")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", "pod")
    assert run.status == 0, run.stderr
    assert run.stdout.count("---\n") == 20001 and "istio-proxy" in run.stdout
    assert 20000 <= len(calls) < 3 * 20000, len(calls)      # each empty document read about once


def test_a_namespace_flag_with_a_line_break_is_quoted_in_one_line():
    run = run_cli("explain", "-f", HTTPBIN, "-n", "x\ny", "--offline")
    assert run.status == 2
    assert run.stderr.splitlines() == [f'error: {HTTPBIN}: document 0, line 1: namespace "x\\ny" is not in the '
                                       "cluster state"], run.stderr


def test_finding_the_line_of_an_error_after_many_separators_is_linear():
    from plugin.inputs import _doc_start_lines

    start = time.monotonic()
    assert _doc_start_lines("---\n" * 200000 + "a: b: c\n")[-1] == 200000
    assert time.monotonic() - start < 10        # quadratic, it took minutes


def test_documents_before_a_directive_are_explained_and_printed(tmp_path):
    f = tmp_path / "two.yaml"
    f.write_text(POD % "" + "---\n%YAML 1.1\n---\n" + POD.replace("name: p", "name: q") % "")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", "pod")
    assert run.status == 2
    assert run.stderr == f"error: {f}: document 1, line 12: malformed YAML: did not find expected <document start>\n"
    assert "name: p" in run.stdout and "name: q" not in run.stdout


def test_a_typed_list_is_what_kubectl_makes_of_it_and_kube_inject_leaves_alone(tmp_path):
    """kubectl creates a PodList's items, istioctl kube-inject prints the PodList as written."""
    chart = str(paths.require(paths.any_istio_chart)[1])
    text = ("# pods\napiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
            "  spec:\n    containers: [{name: c, image: nginx}]\n")
    f = tmp_path / "pods.yaml"
    f.write_text(text)
    quiet = run_cli("explain", "-f", str(f), "-n", "default", "--istio-release", chart, "-o", "pod")
    assert quiet.status == 0 and quiet.stderr == "", quiet.stderr      # no sidecar either way: no warning
    assert quiet.stdout == text + "---\n"                               # and the list as written
    meshed = run_cli("explain", "-f", str(f), "-n", "mesh", "--istio-release", chart, "-o", "pod")
    assert meshed.status == 0 and "istio-proxy" in meshed.stdout
    assert "kubectl creates each item of a PodList), but istioctl kube-inject prints a PodList as written" in \
        meshed.stderr, meshed.stderr


def test_o_pod_warns_of_kube_inject_only_for_pods_the_cluster_would_run(tmp_path):
    """A pod the webhook rejects gets its error, not also the warning that the cluster runs it without a
    sidecar while istioctl kube-inject would inject it (kube-inject fails on it too)."""
    chart = str(paths.require(paths.any_istio_chart)[1])
    f = tmp_path / "p.yaml"
    f.write_text(POD % "  annotations:\n    sidecar.istio.io/proxyCPU: 'x'")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "--istio-release", chart, "-o", "pod")
    assert run.status == 2
    assert "would be rejected" in run.stderr and "would inject it" not in run.stderr, run.stderr
    quiet = tmp_path / "q.yaml"
    quiet.write_text(POD % "")
    run = run_cli("explain", "-f", str(quiet), "-n", "default", "--istio-release", chart, "-o", "pod")
    assert "istioctl kube-inject would inject it" in run.stderr, run.stderr     # the warning itself still works


# --- the embedded profile's Jinja --------------------------------------------------------------------------

JINJA = [
    ("division-by-zero", "{{ 1 // 0 }}", r"ZeroDivisionError: integer division or modulo by zero"),
    ("modulo-by-zero", "{{ 1 % 0 }}", r"ZeroDivisionError"),
    ("float-overflow", "{{ 10.0 ** 1000 }}", r"OverflowError"),
    ("huge-power", "{{ 2 ** 100000000 }}", r"over the render budget: a power of"),
    ("recursion", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", r"recursion too deep"),
    ("format-map", "{{ '{0.__class__}'.format_map({}) }}", r"template 'sidecar': "),
    ("truncate-negative", "{{ 'abc' | truncate(-1) }}", r"AssertionError: expected length >= 3, got -1"),
    ("huge-constant-at-compile-time", "{{ " + "9" * 5000 + " }}", r"a number literal of more than 4,300 digits"),
    ("deep-parentheses-at-compile-time", "{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}", r"nests too deeply to compile"),
    ("string-repetition", "{{ 'x' * 1000000000 }}", r"over the render budget: a repetition of 1,000,000,000"),
    ("list-repetition", "{{ [1] * 1000000000 }}", r"over the render budget: a repetition"),
    ("concatenation-doubling", "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s | length }}{% endif %}"
                               "{% endmacro %}{{ d('ab', 60) }}", r"over the render budget: a concatenation"),
    ("nested-loops", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     r"more than 1,000,000 loop iterations"),
    ("center-width", "{{ 'a' | center(1000000000) }}", r"over the render budget: center"),
    ("indent-width", "{{ 'a\nb' | indent(1000000000) }}", r"over the render budget: indent"),
    ("printf-width", "{{ '%1000000000d' | format(1) }}", r"over the render budget: a format width"),
    ("format-width", "{{ '{:1000000000}'.format(1) }}", r"over the render budget: a format width"),
    ("replace-growth", "{{ 'ab' | replace('a', 'a' * 100000) | replace('a', 'a' * 100000) }}", r"over the render budget: replace"),
    ("output-size", "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", r"characters of output"),
]


def _jinja_state(tmp_path, template):
    body = "".join(("        " + line if line else "") + "\n" for line in template.split("\n"))

    def replace(doc):
        head = doc.split("\ndata:\n")[0].replace("    kubectl-inject.io/templates-from: sidecar=sidecar.yaml.j2\n", "")
        return (head + "\ndata:\n  config: |\n    policy: enabled\n    defaultTemplates: [sidecar]\n    templates:\n"
                "      sidecar: |\n" + body + "  values: '{}'\n")
    return _state_with(tmp_path, "ConfigMap", replace)


@pytest.mark.parametrize("name,template,stderr", JINJA, ids=[r[0] for r in JINJA])
def test_jinja_failures_are_one_template_error_within_budgets(tmp_path, name, template, stderr):
    state = _jinja_state(tmp_path, template)
    start = time.monotonic()
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state)
    assert time.monotonic() - start < 30
    _check_lines(run)
    assert run.status == 2
    lines = [x for x in run.stderr.splitlines() if "template 'sidecar'" in x]
    assert len(lines) == 1 and re.search(stderr, lines[0]), run.stderr


# --- matchConditions' CEL --------------------------------------------------------------------------------

def _cel_state(tmp_path, expressions):
    conds = "  matchConditions:\n" + "".join(f"  - name: c{i}\n    expression: {json.dumps(e)}\n"
                                             for i, e in enumerate(expressions))
    hook = "- name: namespace.sidecar-injector.istio.io\n"
    return _state_with(tmp_path, "MutatingWebhookConfiguration", lambda d: d.replace(hook, hook + conds, 1))


def _doubling(k, seed):
    return seed + "".join(f".map(x{j}, x{j} + x{j})" for j in range(k)) + ".size() > 0"


@pytest.mark.parametrize("expression", [_doubling(40, "[[1]]"), _doubling(40, "['a']")], ids=["list", "string"])
def test_cel_growth_stops_at_the_cost_limit(tmp_path, expression):
    pytest.importorskip("celpy")
    state = _cel_state(tmp_path, [expression])
    start = time.monotonic()
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state)
    assert time.monotonic() - start < 30
    _check_lines(run)
    assert run.status == 2
    assert "failed to evaluate match condition 'c0': operation cancelled: actual cost limit exceeded" in run.stderr


def test_cel_conditions_share_a_budget(monkeypatch):
    """Running out of the webhook's budget fails the whole match (even after a false condition); Ignore skips."""
    pytest.importorskip("celpy")
    from simulator.kube.webhook import conditions
    from simulator.kube.webhook.request import AdmissionRequest

    monkeypatch.setattr(conditions, "PER_CALL_LIMIT", 400)
    monkeypatch.setattr(conditions, "MATCH_CONDITIONS_BUDGET", 1000)
    expr = "[" + ",".join(["1"] * 50) + "].all(x, [" + ",".join(["1"] * 5) + "].all(y, true))"   # ~350 units
    conds = [{"name": "a", "expression": "false"}] + [{"name": f"c{i}", "expression": expr} for i in range(4)]
    req = AdmissionRequest(namespace="mesh", name="p", object={"metadata": {"name": "p"}})
    check, rejection, call = conditions.match_conditions(conds, req, "Fail")
    assert not call and rejection == ("failed calling webhook: failed to evaluate match conditions: "
                                      + conditions.OUT_OF_BUDGET_MESSAGE)
    check, rejection, call = conditions.match_conditions(conds, req, "Ignore")
    assert not call and rejection is None and "cost budget" in check.message
    check, rejection, call = conditions.match_conditions(conds[:2], req, "Fail")   # within budget: false wins
    assert not call and rejection is None


def test_cel_matches_is_linear_and_silent():
    """cel-go's matches() is Go's regexp: no catastrophic backtracking, and no libre2 log lines on stderr."""
    pytest.importorskip("celpy")
    tmp = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.mkdtemp())"], capture_output=True,
                         text=True).stdout.strip()
    from pathlib import Path

    state = _cel_state(Path(tmp), ["'" + "a" * 5000 + "!'.matches('^(a+)+$')"])
    proc = subprocess.run([ENTRY, "explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state, "-o", "json"],
                          capture_output=True, text=True, timeout=60, env=_env())
    assert proc.returncode == 0 and json.loads(proc.stdout)["items"][0]["decidedBy"]["rule"] == "no-matching-webhook"
    state = _cel_state(Path(tmp), ["'a'.matches('(')"])
    proc = subprocess.run([ENTRY, "explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", state],
                          capture_output=True, text=True, timeout=60, env=_env())
    assert proc.returncode == 2
    assert "failed to evaluate match condition 'c0': error parsing regexp: missing closing ): `(`\n" in proc.stderr
    assert "re2.cc" not in proc.stderr and "E0000" not in proc.stderr and "Traceback" not in proc.stderr


# --- sprig's regexp (Go templates) -------------------------------------------------------------------------

def test_sprig_regex_is_linear_time():
    from simulator.gotemplate import Template

    start = time.monotonic()
    out = Template('{{ regexMatch "^(a+)+$" .s }} {{ len (regexFindAll "(x+x+)+y" .t -1) }}').execute(
        {"s": "a" * 100000 + "!", "t": "x" * 20000})
    assert out == "false 0" and time.monotonic() - start < 5


def test_libre2_never_logs_beside_the_output():
    """RE2 is asked not to log: a bad pattern or one over its budget is only the template's own error."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from simulator.gotemplate import Template, TemplateError\n"
            "for p in ['(', 'a**', '\\\\C', '\\\\pL{1000}']:\n"
            "    try: Template('{{ mustRegexMatch .p \"x\" }}').execute({'p': p})\n"
            "    except TemplateError as e: print(e)\n" % REPO)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stderr == "" and proc.stdout.count("\n") == 4, (proc.stdout, proc.stderr)
    assert "needs more than RE2's 8 MB program budget" in proc.stdout


# --- files that are not files, output that cannot be written ------------------------------------------------

def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["KUBECTL_INJECT_PYTHON"] = sys.executable
    env.update(extra)
    return env


def test_a_named_pipe_nobody_writes_to_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run([ENTRY, "explain", "-f", str(fifo), "-n", "mesh"], capture_output=True, text=True,
                          timeout=30, env=_env())
    assert proc.returncode == 2 and "no objects found in the input" in proc.stderr


def test_a_pipe_with_a_writer_is_read_to_its_end(tmp_path):
    """bash's `-f <(helm template ...)` hands kubectl-inject a pipe."""
    reader, writer = os.pipe()
    proc = subprocess.Popen([ENTRY, "explain", "-f", f"/dev/fd/{reader}", "-n", "mesh", "-o", "json"], pass_fds=(reader,),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    os.close(reader)
    with os.fdopen(writer, "w") as w:
        w.write(open(HTTPBIN).read())
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out)["items"][0]["verdict"] == "injected"


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not stat.S_ISCHR(os.stat("/dev/zero").st_mode),
                    reason="needs /dev/zero as a character device")
def test_devices_are_refused_not_read_forever():
    proc = subprocess.run([ENTRY, "explain", "-f", "/dev/zero"], capture_output=True, text=True, timeout=30, env=_env())
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: /dev/zero: cannot read: a character device: kubectl-inject reads files, "
                                   "directories, pipes and - (standard input)")


def test_stdout_closed():
    proc = subprocess.run(f'"{ENTRY}" explain -f "{HTTPBIN}" -n mesh >&-', shell=True, capture_output=False,
                          stderr=subprocess.PIPE, text=True, timeout=60, env=_env())
    assert proc.returncode == 2
    assert proc.stderr == "error: writing the output: standard output is closed\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device whose writes always fail)")
@pytest.mark.parametrize("output", ["text", "pod", "json"])
def test_stdout_full(output):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([ENTRY, "explain", "-f", HTTPBIN, "-n", "mesh", "-o", output], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60, env=_env())
    assert proc.returncode == 2
    assert proc.stderr == "error: writing the output: No space left on device\n"


@pytest.mark.parametrize("variables", [{"PYTHONIOENCODING": "latin-1"}, {"PYTHONIOENCODING": "ascii"},
                                       {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}],
                         ids=["latin-1", "ascii", "C-locale"])
def test_output_is_utf8_whatever_the_locale(variables):
    """As kubectl: UTF-8 bytes whatever the locale, so no character can fail to encode."""
    proc = subprocess.run([ENTRY, "explain", "-f", HTTPBIN, "-n", "mesh"], capture_output=True, timeout=60,
                          env=_env(**variables))
    assert proc.returncode == 0, proc.stderr
    assert "RESULT: INJECTED — the injector policy".encode() in proc.stdout


# --- kinds with a pod template at spec.template --------------------------------------------------------------

ROLLOUT = DEPLOYMENT.replace("apiVersion: apps/v1\nkind: Deployment", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout")


def test_a_kind_with_a_pod_template_is_explained_as_a_workload(tmp_path):
    f = tmp_path / "rollout.yaml"
    f.write_text(ROLLOUT + "---\napiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata: {name: vm}\n"
                           "spec: {template: {spec: {domain: {}}}}\n")
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", "json")
    assert run.status == 0, run.stderr
    (item,) = json.loads(run.stdout)["items"]
    assert item["object"]["kind"] == "Rollout" and item["verdict"] == "injected"
    assert {"code": "generic-workload", "kind": "Rollout", "apiVersion": "argoproj.io/v1alpha1",
            "template": "spec.template", "docs": "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"} \
        in item["warnings"]
    assert "Rollout web treated as a workload" in run.stderr and "VirtualMachine vm skipped" in run.stderr
    pod = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", "pod")
    assert pod.status == 0
    assert pod.stdout.startswith(ROLLOUT)      # as istioctl kube-inject prints a kind it does not know


# --- the embedded profile's proxy arguments --------------------------------------------------------------------

def test_proxy_log_levels_are_printed_without_quotes():
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "pod")
    assert "- --proxyLogLevel=warning\n" in run.stdout
    assert "- --proxyComponentLogLevel=misc:error\n" in run.stdout
    assert '="' not in run.stdout


# --- istioctl's --set ------------------------------------------------------------------------------------------

SET_ROWS = [
    ("values.revisionTags=prod", 2, "error: --set revisionTags: could not unmarshal: revisionTags: cannot unmarshal string "
                                    "into Go value of type []json.RawMessage"),
    ("values.global=5", 2, "error: --set global: could not unmarshal: global: cannot unmarshal number into Go value of "
                           "type map[string]json.RawMessage"),
    ("values.global.hub.x=1", 2, "error: --set global.hub.x: could not unmarshal: global.hub: cannot unmarshal object "
                                 "into Go value of type string"),
    (".=x", 2, "error: --set .: the path names no value"),
    ("values." + "a." * 2000 + "b=1", 2, "error: --set: a path of 2001 parts is deeper than any chart value (at most 100)"),
    ("values.revisionTags[0]=prod", 0, None),
    ("values.global.proxy.image=repo/proxy=odd", 0, None),
]


@pytest.mark.parametrize("flag,status,stderr", SET_ROWS, ids=[r[0][:40] for r in SET_ROWS])
def test_set_flags_as_istioctl_reads_them(shared_dir, flag, status, stderr):
    chart = os.path.join(shared_dir, "istio", "1.24.6", "chart")
    if not os.path.isdir(chart):
        pytest.skip("needs ../shared/istio/1.24.6/chart")
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--istio-release", chart, "--set", flag, "-o", "json")
    _check_lines(run)
    assert run.status == status, run.stderr
    if stderr:
        assert run.stderr.splitlines()[0] == stderr
        return
    stage = next(s for s in json.loads(run.stdout)["items"][0]["stages"] if s["stage"] == "webhook-selection")
    configurations = {w["configuration"] for w in stage["webhooks"]}
    if "revisionTags" in flag:
        assert "istio-revision-tag-prod" in configurations


@pytest.mark.parametrize("template,message", [
    ('{{ nindent 1000000000 "a" }}', "error calling nindent: would build 1000000000 bytes"),
    ('{{ repeat 100000000 "ab" }}', "error calling repeat: would build 200000000 bytes"),
    ('{{ len (until 1000000000) }}', "error calling until: would build a list of 1000000000 numbers"),
    ('{{ seq 1 1000000000 }}', "error calling seq: would build a list of"),
])
def test_sprig_calls_that_would_build_gigabytes_are_template_errors(template, message):
    from simulator.gotemplate import Template, TemplateError

    start = time.monotonic()
    with pytest.raises(TemplateError) as e:
        Template(template).execute({})
    assert message in str(e.value) and "over the simulator's budget" in str(e.value)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("field,value", [("ports", 5), ("env", 5), ("volumes", 5), ("initContainers", 5),
                                         ("initContainers", [5]), ("imagePullSecrets", "x"), ("securityContext", 5)])
def test_o_pod_with_fields_of_the_wrong_type(tmp_path, field, value):
    """-o pod reads the manifest without the typed decode -o json makes (issue #10, section 2); whatever it
    then says, it is an answer or one line, not an internal error."""
    import yaml

    doc = yaml.safe_load(open(HTTPBIN))
    spec = doc["spec"]["template"]["spec"]
    (spec["containers"][0] if field in ("ports", "env") else spec)[field] = value
    f = tmp_path / "input.yaml"
    f.write_text(yaml.safe_dump(doc))
    run = run_cli("explain", "-f", str(f), "-n", "mesh", "-o", "pod")
    _check_lines(run)
    assert run.status in (0, 2)
