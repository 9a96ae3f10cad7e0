"""simulator.kube.typed.roundtrip.roundtrip_pod (and the generated pod_schema) against Go's json.Unmarshal/Marshal of corev1.Pod.

Expected outputs are produced by the Go oracle; comparisons are on the exact bytes Go writes (field order, map
key order, number and string spelling), via simulator.kube.typed.jsontext.go_json_dumps.  Go's answers to the
hand-written pods and the quantity battery are also recorded in golden/ (tests/recorded.py), so those are
checked without Go too; Istio's corpus, the generated schema and the random pods need Go.
"""

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.kube import pod_schema
from simulator.kube.typed import TypedError, roundtrip
from simulator.kube.typed.jsontext import go_json_dumps
from simulator.kube.typed.quantity import canonical_quantity
from simulator.kube.typed.roundtrip import roundtrip_pod
from tests import paths

from tests.merge.corpus import load_all, pod_templates
from tests.merge.oracle_client import recorded_oracle

HERE = Path(__file__).resolve().parent
#: Istio's injection corpus (1.30.3's from ../shared, else master's from the Go module cache), or why not.
CORPUS, CORPUS_MISSING = paths.optional(paths.any_istio_corpus_path)


def _load(name):
    spec = importlib.util.spec_from_file_location("_merge_" + name, HERE / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def go_text(obj):
    """The JSON text Go receives for obj: keys in dict order, floats as encoding/json writes a float64."""
    return go_json_dumps(obj, sort_keys=False)


def mine(obj):
    try:
        return {"result": go_text(roundtrip_pod(obj))}
    except TypedError as exc:
        return {"error": str(exc)}


def compare(oracle, objs, exact_errors=True):
    """Run objs through Go and Python; return a list of mismatch descriptions (empty when all agree)."""
    answers = oracle.roundtrip_text([go_text(o) for o in objs])
    return compare_answers(objs, answers, oracle.last_raw, exact_errors)


def compare_answers(objs, answers, raws, exact_errors=True):
    """Mismatches between Python and Go's answers ({"error": ...} or a result) with the raw bytes Go wrote."""
    problems = []
    for obj, go, raw in zip(objs, answers, raws):
        py = mine(obj)
        if "error" in go:
            if "error" not in py:
                problems.append((obj, go["error"], py["result"]))
            elif exact_errors and py["error"] != go["error"] and not (
                    go["error"].startswith("parsing time") and py["error"].startswith("parsing time")):
                problems.append((obj, go["error"], py["error"]))
        elif py.get("result") != raw:
            problems.append((obj, raw, py))
    return problems


# ---------------------------------------------------------------------------------------------------------
# The generated schema is what the Go types say today.

def test_pod_schema_is_generated_from_current_go_types(merge_oracle):
    gen = _load("gen_pod_schema")
    expected = gen.render(merge_oracle.schema())
    actual = (HERE.parents[1] / "simulator" / "kube" / "pod_schema.py").read_text()
    assert actual == expected, "simulator/kube/pod_schema.py is stale: run python tests/merge/gen_pod_schema.py"


def _generated_pod_types():
    """The table as generated: simulator.istio.workloads extends the shared one with workload types."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_pristine_pod_schema", pod_schema.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TYPES


def test_every_custom_json_type_is_handled():
    custom = {tid for tid, entry in _generated_pod_types().items() if entry[0] == "struct" and set(entry[3]) & set("MU")}
    assert custom == roundtrip._CUSTOM
    for tid, entry in pod_schema.TYPES.items():
        for spec in entry[4] or ():
            words = spec.split(" ")
            if "omitzero" in words:
                assert words[1].lstrip("*") in (roundtrip._TIME, roundtrip._QUANTITY) or words[1] in ("string", "bool")
            if "string" in words[2:]:
                pytest.fail("json ,string option on %s.%s is not supported" % (tid, words[0]))


def test_schema_knows_the_merge_keys_istio_relies_on():
    fields = {tid: {s.split(" ")[0]: s for s in entry[4] or ()} for tid, entry in pod_schema.TYPES.items()}
    assert "patchStrategy=merge patchMergeKey=name" in fields["core/v1.PodSpec"]["containers"]
    assert "patchStrategy=merge,retainKeys patchMergeKey=name" in fields["core/v1.PodSpec"]["volumes"]
    assert "patchMergeKey=containerPort" in fields["core/v1.Container"]["ports"]
    assert "patchStrategy" not in fields["core/v1.Container"]["args"]


# ---------------------------------------------------------------------------------------------------------
# Hand-written inputs (expected outputs come from Go).

def ctr(**kw):
    d = {"name": "app"}
    d.update(kw)
    return d


def pod_with(**spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


HAND = {
    "empty": {},
    "null": None,
    "array": [],
    "string": "x",
    "minimal": pod_with(containers=[ctr(image="i")]),
    "unknown-fields": {"metadata": {"name": "p", "bogus": 1}, "spec": {"containers": [ctr(foo={"a": 1})],
                                                                      "nonsense": [1, 2]}, "x": None},
    "nulls": {"metadata": {"labels": {"a": None}, "annotations": None, "name": None},
              "spec": {"containers": [ctr(image=None, args=None, resources=None, ports=[{"containerPort": None}])],
                       "volumes": None, "securityContext": None, "nodeSelector": {}}},
    "empty-collections": pod_with(containers=[ctr(args=[], env=[], command=[])], volumes=[], tolerations=[],
                                  initContainers=[]),
    "no-containers-null": {"spec": {"containers": None}},
    "no-containers-empty": {"spec": {"containers": []}},
    "status-and-times": {"metadata": {"creationTimestamp": "2024-02-29T23:59:59-05:30",
                                      "deletionTimestamp": "2020-01-01T00:00:00.999999Z"},
                         "status": {"phase": "Running", "startTime": "1999-12-31T23:00:00+01:00",
                                    "conditions": [{"type": "Ready", "status": "True",
                                                    "lastTransitionTime": "2021-06-01T12:00:00,5Z"}]}},
    "zero-time": {"metadata": {"creationTimestamp": "0001-01-01T00:00:00Z"}},
    "zero-time-offset": {"metadata": {"creationTimestamp": "0001-01-01T01:00:00+01:00"}},
    "year-zero-time": {"metadata": {"creationTimestamp": "0000-06-01T00:00:00Z"}},
    "bad-time": {"metadata": {"creationTimestamp": "yesterday"}},
    "bad-time-day": {"metadata": {"creationTimestamp": "2023-02-29T00:00:00Z"}},
    "time-not-string": {"metadata": {"creationTimestamp": 5}},
    "quantities": pod_with(containers=[ctr(resources={
        "limits": {"cpu": "2000m", "memory": "1024Mi", "a": "0.5", "b": 0.25, "c": 3, "d": None, "e": "1e3",
                   "f": "1.5Gi", "g": "100m", "h": "+1", "i": "0001", "j": " 1 ", "k": "1024Ki", "l": "3Ki"},
        "requests": {"cpu": "4000m", "memory": "128974848", "ephemeral-storage": "1e21"}})],
        overhead={"cpu": "250m"}),
    "bad-quantity": pod_with(containers=[ctr(resources={"limits": {"cpu": "two"}})]),
    "quantity-bool": pod_with(containers=[ctr(resources={"limits": {"cpu": True}})]),
    "quantity-object": pod_with(containers=[ctr(resources={"limits": {"cpu": {"a": 1}}})]),
    "int-or-string": pod_with(containers=[ctr(livenessProbe={"httpGet": {"port": "http", "path": "/"}},
                                              readinessProbe={"tcpSocket": {"port": 8080}},
                                              startupProbe={"httpGet": {"port": None}})]),
    "int-or-string-float": pod_with(containers=[ctr(livenessProbe={"httpGet": {"port": 1.5}})]),
    "int-or-string-integral-float": pod_with(containers=[ctr(livenessProbe={"httpGet": {"port": 80.0}})]),
    "int-or-string-bool": pod_with(containers=[ctr(livenessProbe={"tcpSocket": {"port": True}})]),
    "int-or-string-too-big": pod_with(containers=[ctr(livenessProbe={"tcpSocket": {"port": 2 ** 31}})]),
    "int32-string": pod_with(containers=[ctr(ports=[{"containerPort": "80"}])]),
    "int32-float": pod_with(containers=[ctr(ports=[{"containerPort": 80.5}])]),
    "int32-integral-float": pod_with(containers=[ctr(ports=[{"containerPort": 80.0}])]),
    "int32-overflow": pod_with(containers=[ctr(ports=[{"containerPort": 2 ** 31}])]),
    "int64-huge-float": pod_with(containers=[ctr()], activeDeadlineSeconds=1e21),
    "int64-ok": pod_with(containers=[ctr()], activeDeadlineSeconds=2 ** 62, terminationGracePeriodSeconds=-1),
    "string-number": pod_with(containers=[ctr(name=5)]),
    "string-bool": pod_with(containers=[ctr(image=False)]),
    "bool-string": pod_with(containers=[ctr(stdin="true")]),
    "struct-string": pod_with(containers=[ctr(securityContext="privileged")]),
    "slice-object": pod_with(containers={"name": "x"}),
    "map-list": {"metadata": {"labels": ["a"]}},
    "two-errors-first-wins": pod_with(containers=[ctr(name=1, ports=[{"containerPort": "x"}])], priority="p"),
    "type-error-then-fatal": pod_with(containers=[ctr(name=1, resources={"limits": {"cpu": "bad"}})]),
    "map-errors-in-text-order": {"metadata": {"labels": {"z": 1, "a": 2}}},
    "embedded-path-in-error": pod_with(containers=[ctr(livenessProbe={"exec": {"command": "ls"}})]),
    "type-meta-error": {"kind": 7},
    "case-insensitive-keys": {"SPEC": {"Containers": [{"NAME": "a", "ſecurityContext": {"privileged": True},
                                                       "IMAGE": "x"}]}, "Metadata": {"Name": "n"}},
    "case-duplicate-struct": {"spec": {"securityContext": {"runAsUser": 1}, "SecurityContext": {"fsGroup": 2}}},
    "case-duplicate-scalar": {"metadata": {"name": "a", "NAME": "b"}},
    "case-duplicate-error-order": {"spec": {"containers": [{"image": 1, "name": 2, "Image": "ok"}]}},
    "case-duplicate-pointer-null": {"spec": {"securityContext": {"runAsUser": 1}, "SecurityContext": {"fsGroup": 2},
                                             "ſecurityContext": {"runAsUser": None}}},
    "field-order-and-escapes": {"spec": {"containers": [ctr(image="a<b>&c", args=["\u2028", "\x01", "é"])],
                                         "hostname": "h"}, "metadata": {"annotations": {"b": "2", "a": "1"}}},
    "managed-fields": {"metadata": {"managedFields": [{"manager": "m", "operation": "Update",
                                                       "fieldsV1": {"f:b": {}, "f:a": {".": {}}},
                                                       "time": "2020-01-01T00:00:00.123Z"}]}},
    "volumes-inline": pod_with(containers=[ctr()], volumes=[{"name": "v", "emptyDir": {"sizeLimit": "1Gi"}},
                                                             {"name": "w", "configMap": {"defaultMode": 420}}]),
    "ephemeral-containers": pod_with(containers=[ctr()], ephemeralContainers=[{"name": "dbg", "targetContainerName": "app"}]),
}


@pytest.fixture(scope="module")
def hand_answers(request):
    return recorded_oracle(request, "roundtrip-hand-cases", "roundtrip", {n: go_text(HAND[n]) for n in HAND},
                           "corev1.Pod json.Unmarshal + json.Marshal of tests/merge/test_typed.py's hand-written pods")


@pytest.fixture(scope="module")
def hand_results(hand_answers):
    """name -> (Go's answer, the raw bytes of its result or None), for the names answered here."""
    def pair(answer):
        return (answer, None) if "error" in answer else ({"result": json.loads(answer["raw"])}, answer["raw"])
    return _Lazy(lambda name: pair(hand_answers.get(name)))


class _Lazy:
    def __init__(self, get):
        self._get = get

    def __getitem__(self, name):
        return self._get(name)


@pytest.mark.parametrize("name", list(HAND))
def test_hand_roundtrip_matches_go(hand_results, name):
    go, raw = hand_results[name]
    py = mine(HAND[name])
    if "error" in go:
        assert "error" in py, "Go rejected the pod (%s) but Python accepted it" % go["error"]
        if go["error"].startswith("parsing time"):
            assert py["error"].startswith("parsing time")
        else:
            assert py["error"] == go["error"]
    else:
        assert "error" not in py, "Go accepted the pod but Python raised: %s" % py.get("error")
        assert py["result"] == raw


def test_known_normalisations(hand_results):
    """Spot checks of the facts the simulator depends on (values come from the oracle run above)."""
    go = json.loads(hand_results["quantities"][1])
    limits = go["spec"]["containers"][0]["resources"]["limits"]
    assert (limits["cpu"], limits["memory"], limits["a"]) == ("2", "1Gi", "500m")
    assert json.loads(hand_results["minimal"][1])["spec"]["containers"][0]["resources"] == {}
    assert "creationTimestamp" not in json.loads(hand_results["minimal"][1])["metadata"]


def test_roundtrip_does_not_touch_its_input():
    obj = pod_with(containers=[ctr(resources={"limits": {"cpu": "2000m"}}, bogus=1)])
    before = json.dumps(obj)
    roundtrip_pod(obj)
    assert json.dumps(obj) == before


def _fresh_roundtrip(obj):
    """roundtrip_pod with decoders of its own (nothing remembered from earlier round trips)."""
    return roundtrip.roundtrip(obj, pod_schema.ROOT, roundtrip.GoTypes(pod_schema.TYPES))


def _error_of(decode, obj):
    try:
        return decode(obj)
    except TypedError as e:
        return "error: %s" % e


def test_remembered_decodes_answer_as_fresh_ones():
    """Containers, env vars, volumes ... are remembered by value: a value seen before decodes as it did,
    one that differs only in a type (1, 1.0, True, "1"; a list or a tuple) or in key order decodes as a
    fresh decoder decodes it, errors included, and no two answers share objects."""
    base = ctr(env=[{"name": "A", "value": "1"}], ports=[{"containerPort": 80}])
    variants = [base, ctr(env=[{"name": "A", "value": 1}], ports=[{"containerPort": 80}]),
                ctr(env=[{"name": "A", "value": True}], ports=[{"containerPort": 80}]),
                ctr(env=[{"name": "A", "value": "1"}], ports=[{"containerPort": 80.0}]),
                ctr(env=[{"value": "1", "name": "A"}], ports=[{"containerPort": 80}]),
                ctr(env=({"name": "A", "value": "1"},), ports=[{"containerPort": 80}]),
                ctr(env=[{"name": "A", "value": "1", "Name": "B"}], ports=[{"containerPort": 80}]),
                ctr(env=[{"name": "A", "value": "1"}], ports=[{"containerPort": 1 << 40}]),
                dict(base, resources={"limits": {"cpu": "2000m"}}),
                dict(base, resources={"limits": {"cpu": "2x"}})]
    for _ in range(2):     # the second time, every value has been seen
        for c in variants:
            pod = pod_with(containers=[c, dict(c, name="second")])
            ours = _error_of(roundtrip_pod, pod)
            assert ours == _error_of(_fresh_roundtrip, pod), c
            if not isinstance(ours, str):
                again = roundtrip_pod(pod)
                again["spec"]["containers"][0]["env"] = "changed"
                assert roundtrip_pod(pod) == ours


# ---------------------------------------------------------------------------------------------------------
# Quantities: a battery plus random spellings, each in its own pod so every error is seen.

QUANTITY_BATTERY = [
    "0", "00", "-0", "+0", "0m", "0.0", ".", "", " ", "1", "+1", "-1", "01", "1.", ".5", "0.5", "1.5", "1.50",
    "2000m", "4000m", "1000m", "100m", "100.0m", "0.1m", "0.0001", "1n", "1u", "1.5n", "0.5n", "999n", "1000n",
    "1k", "1000", "1000k", "1K", "1Ki", "1024", "1024Ki", "1023Ki", "1025Ki", "3Ki", "8Ki", "0.5Ki", "1.5Ki",
    "1Mi", "1024Mi", "1536Mi", "1.5Gi", "1Gi", "1Ti", "1Pi", "1Ei", "8Ei", "9Ei", "16Ei", "00001Ki",
    "1M", "1G", "1T", "1P", "1E", "1000E", "1e3", "1E3", "1e4", "1e-3", "1e-9", "1e-10", "1.5e3", "1e18",
    "1e19", "1e21", "1e+3", "1e", "1ee3", "1x", "1 m", "abc", "-", "+", "1.2.3", "--1", "1m1", "1Gib",
    "123456789012345678", "1234567890123456789", "99999999999999999999", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "0.000000001", "0.0000000001", "12345.6789",
    "1.23456789012345678901234567890", "7Ki", "1023", "-1024", "-1025Ki", "-1.5Gi", "5e-324", "1e999999999",
    "1e1000000000", "1e-999", "100Mi", "250m", "0.25", "128974848", "129e6", "129M", "123Mi",
]

QUANTITY_TEXT = st.from_regex(
    r"[+-]?[0-9]{0,21}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,3}|[numkMGTPE]|[KMGTPE]i)?", fullmatch=True)
QUANTITY_VALUE = st.one_of(QUANTITY_TEXT, st.integers(-(2 ** 70), 2 ** 70),
                           st.floats(allow_nan=False, allow_infinity=False))


def quantity_pod(value):
    return pod_with(containers=[ctr(resources={"limits": {"cpu": value}})])


@pytest.fixture(scope="module")
def battery_answers(request):
    return recorded_oracle(request, "roundtrip-quantities", "roundtrip",
                           {q: go_text(quantity_pod(q)) for q in QUANTITY_BATTERY},
                           "corev1.Pod round trip of one pod per quantity of tests/merge/test_typed.py's battery")


def test_quantity_battery_matches_go(battery_answers):
    answers = [battery_answers.get(q) for q in QUANTITY_BATTERY]
    assert compare_answers([quantity_pod(q) for q in QUANTITY_BATTERY], answers, [a.get("raw") for a in answers]) == []


#: Exponents past int32, which Go's resource.ParseQuantity wraps into int32 (the suffix's exponent is parsed
#: as int64 and converted): 2**32+1 becomes 1, 2**32-1 becomes -1, and 2**32 becomes 0, where the value 1 is
#: in canonical form so Go keeps the text as written.  Go answers these promptly.
WRAPPING_EXPONENTS = {"1e4294967297": "10", "3e4294967298": "300", "2e4294967295": "200e-3",
                      "1e4294967296": "1e4294967296"}


@pytest.fixture(scope="module")
def wrapping_answers(request):
    return recorded_oracle(request, "roundtrip-wrapping-exponents", "roundtrip",
                           {q: go_text(quantity_pod(q)) for q in WRAPPING_EXPONENTS},
                           "corev1.Pod round trip of quantities whose exponent overflows int32")


def test_exponents_wrap_to_int32_like_go(wrapping_answers):
    for text, want in WRAPPING_EXPONENTS.items():
        go = json.loads(wrapping_answers.get(text)["raw"])["spec"]["containers"][0]["resources"]["limits"]["cpu"]
        assert (canonical_quantity(text), go) == (want, want)


def test_absurd_exponents_answer_promptly():
    """These wrap (as above) to exponents near -2**31, where Go's inf.Dec rounding computes 10**(2**31) and
    effectively never returns, so no oracle answer exists.  The value is a positive number below one nano,
    which Go's rounding (up, to nanos) makes 1n, written with the input's exponent format: 1e-9."""
    import time

    for text in ("1e999999999999", "1e2147483648", "5e-2147483648"):
        start = time.perf_counter()
        assert canonical_quantity(text) == "1e-9", text
        assert time.perf_counter() - start < 1.0, "%s took %.1f s" % (text, time.perf_counter() - start)


def test_canonical_quantity_examples_from_the_fact_sheet(battery_answers):
    for q in ["2000m", "1024Mi", "4000m", "0.5"]:
        go = json.loads(battery_answers.get(q)["raw"])
        assert canonical_quantity(q) == go["spec"]["containers"][0]["resources"]["limits"]["cpu"]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(QUANTITY_VALUE, min_size=20, max_size=20))
def test_random_quantities_match_go(merge_oracle, values):
    assert compare(merge_oracle, [quantity_pod(v) for v in values]) == []


# ---------------------------------------------------------------------------------------------------------
# Istio's corpus: every pod template of the inputs and of the injected goldens.

def corpus_pods():
    if CORPUS is None:
        return []
    pods = []
    for path in sorted(CORPUS.glob("*.yaml*")):
        try:
            docs = list(load_all(path.read_text()))
        except yaml.YAMLError:
            continue
        for doc in docs:
            pods.extend(json.loads(json.dumps(t, default=str)) for t in pod_templates(doc))
    return pods


def test_istio_corpus_roundtrips_like_go(merge_oracle):
    pods = corpus_pods()
    if not pods:
        pytest.skip(CORPUS_MISSING or "no pod templates in Istio's corpus at %s" % CORPUS)
    assert len(pods) >= 150
    assert compare(merge_oracle, pods) == []


# ---------------------------------------------------------------------------------------------------------
# Random pods with the typed troubles: wrong JSON types, nulls, unknown and case-folded keys.

SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from(["", "x", "80", "http", "2020-01-01T00:00:00Z"]),
                    st.integers(-3, 2 ** 33), st.sampled_from([0.5, 80.0, 1e21, -1.0]))


def field(values):
    """A field's value: mostly well-typed, sometimes any JSON scalar (wrong types, nulls)."""
    return st.one_of(values, values, values, SCALARS)


def keys(*names):
    return st.sampled_from(names)


def random_pods():
    port = st.fixed_dictionaries({}, optional={
        "containerPort": field(st.integers(0, 70000)), "protocol": field(st.sampled_from(["TCP", "UDP"])),
        "name": field(st.just("http")), "hostIP": st.just("1.2.3.4")})
    probe = st.fixed_dictionaries({}, optional={
        "httpGet": field(st.fixed_dictionaries({"port": field(st.sampled_from([80, "http", 8080.0]))},
                                               optional={"path": field(st.just("/"))})),
        "tcpSocket": field(st.fixed_dictionaries({}, optional={"port": field(st.integers(0, 99999))})),
        "initialDelaySeconds": field(st.integers(0, 10)), "exec": field(st.fixed_dictionaries({
            "command": field(st.lists(st.just("ls"), max_size=2))}))})
    resources = st.fixed_dictionaries({}, optional={
        "limits": field(st.dictionaries(keys("cpu", "memory", "nvidia.com/gpu"), field(QUANTITY_VALUE),
                                        max_size=3)),
        "requests": field(st.dictionaries(keys("cpu", "memory"), field(st.sampled_from(["1", "2000m", "1Gi"])),
                                          max_size=2))})
    container = st.fixed_dictionaries({"name": field(st.sampled_from(["app", "istio-proxy"]))}, optional={
        "image": field(st.just("img")), "args": field(st.lists(field(st.just("a")), max_size=3)),
        "ports": field(st.lists(port, max_size=2)), "resources": field(resources),
        "livenessProbe": field(probe), "readinessProbe": probe,
        "env": field(st.lists(st.fixed_dictionaries({"name": st.just("A")}, optional={"value": field(st.just("v"))}),
                              max_size=2)),
        "securityContext": field(st.fixed_dictionaries({}, optional={
            "runAsUser": field(st.integers(0, 2000)), "privileged": field(st.booleans())})),
        "Image": st.just("folded"), "unknown": SCALARS})
    spec = st.fixed_dictionaries({}, optional={
        "containers": field(st.lists(container, max_size=3)), "initContainers": st.lists(container, max_size=2),
        "activeDeadlineSeconds": field(st.integers(0, 100)), "hostNetwork": field(st.booleans()),
        "nodeSelector": field(st.dictionaries(keys("a", "b"), field(st.just("x")), max_size=2)),
        "volumes": field(st.lists(st.fixed_dictionaries({"name": st.just("v")}, optional={
            "emptyDir": field(st.fixed_dictionaries({}, optional={"sizeLimit": field(QUANTITY_VALUE)}))}),
            max_size=2))})
    metadata = st.fixed_dictionaries({}, optional={
        "name": field(st.just("p")), "labels": field(st.dictionaries(keys("app", "v"), field(st.just("1")),
                                                                   max_size=2)),
        "creationTimestamp": field(st.sampled_from(["2020-01-01T00:00:00Z", "2020-01-01T00:00:00+02:00", "bad"])),
        "generation": field(st.integers(0, 9))})
    return st.fixed_dictionaries({}, optional={"metadata": field(metadata), "spec": field(spec),
                                               "status": field(st.fixed_dictionaries({}, optional={
                                                   "phase": field(st.just("Running"))})),
                                               "kind": field(st.just("Pod"))})


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(random_pods(), min_size=5, max_size=5))
def test_random_pods_roundtrip_like_go(merge_oracle, objs):
    answers = merge_oracle.roundtrip_text([go_text(o) for o in objs])
    for go in answers:
        event("Go: " + ("error" if "error" in go else "decoded"))
    assert compare(merge_oracle, objs) == []
