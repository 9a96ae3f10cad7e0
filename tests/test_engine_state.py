"""What a long-running caller (the coming `watch`, a threaded client) relies on: a ClusterState is a value
that cannot change under it, one EngineCache can serve every state and thread of a run without changing
any answer, and it stays within its bound however long the run is."""
import copy
import os
import sys
import threading

import pytest

from simulator import ClusterState, EngineCache, Options, explain
from simulator.state import FrozenError

from . import paths

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _default_state():
    from plugin.state.sources import load_cluster_state

    return load_cluster_state([])[0]


def _release_state(version, *set_flags):
    """The embedded state with an Istio release's injector, mesh config and webhooks (its chart, as Helm
    renders it), as `--istio-release` builds it."""
    from plugin.state.sources import apply_release

    chart = str(paths.require(paths.istio_chart, version))
    return apply_release(_default_state(), chart, list(set_flags))


def _deployment(name="web", annotations=None, port=8080):
    template_meta = {"labels": {"app": name}}
    if annotations:
        template_meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "mesh"},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": template_meta,
                                  "spec": {"containers": [{"name": name, "image": "nginx:1.27",
                                                           "ports": [{"containerPort": port}],
                                                           "readinessProbe": {"httpGet": {"path": "/", "port": port}}}]}}}}


PODS = [
    _deployment(),
    _deployment("api", {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}, 9090),
    _deployment("hold", {"proxy.istio.io/config": '{"holdApplicationUntilProxyStarts": true}'}),
    _deployment("off", {"sidecar.istio.io/inject": "false"}),
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "lone", "labels": {"app": "lone"}},
     "spec": {"containers": [{"name": "c", "image": "busybox"}]}},
]
#: -o pod's options (the manifest as kube-inject prints it, so both of Istio's paths run) and text's (hints).
OPTIONS = [Options(admission_defaults=False, manifest=True), Options(hints=True)]


def _states():
    """Different clusters, as a watch sees them one after the other: the embedded profile; Istio 1.30.3's
    injector, then with another proxy image and with injection disabled by policy; a namespace relabelled."""
    istio = _release_state("1.30.3")
    key = ("istio-system", "istio-sidecar-injector")
    injector = copy.deepcopy(istio.configmaps[key])
    injector["data"]["config"] = injector["data"]["config"].replace("policy: enabled", "policy: disabled", 1)
    relabelled = istio.with_objects([{"apiVersion": "v1", "kind": "Namespace",
                                      "metadata": {"name": "mesh", "labels": {"istio-injection": "disabled"}}}])
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
              "status": {"nodeInfo": {"kubeletVersion": "v1.34.1"}}}]
    return [_default_state(), istio, _release_state("1.30.3", "values.global.proxy.image=proxy-debug"),
            istio.replace(configmaps={**istio.configmaps, key: injector}), relabelled,
            istio.with_kind("Node", nodes)]


def _all(state, cache):
    return [explain(pod, "mesh", state, options, cache) for options in OPTIONS for pod in PODS]


def test_one_cache_across_many_states_answers_as_fresh_caches_do():
    states = _states()
    fresh = [_all(state, EngineCache()) for state in states]
    shared = EngineCache()
    for _ in range(2):    # and again, everything now in the cache
        assert [_all(state, shared) for state in states] == fresh
    verdicts = [[e.verdict.value for e in results[:len(PODS)]] for results in fresh]
    assert verdicts[1] == ["injected", "injected", "injected", "not-injected", "injected"]
    assert verdicts[3] == verdicts[4] == ["not-injected"] * len(PODS)      # a changed state is never answered from the cache
    image = [c["image"] for c in fresh[2][0].pod["spec"]["containers"] if c["name"] == "istio-proxy"]
    assert image and image[0].split("/")[-1].startswith("proxy-debug")
    # kubelets that run native sidecars: istiod puts the proxy among the init containers
    assert [c["name"] for c in fresh[1][0].pod["spec"]["initContainers"]] == ["istio-init"]
    assert [c["name"] for c in fresh[5][0].pod["spec"]["initContainers"]] == ["istio-init", "istio-proxy"]


def test_what_the_cache_shares_is_never_changed_by_those_it_is_shared_with():
    """Parsed renders and template pods are handed out without a copy: after every explanation (both of
    Istio's paths, native sidecars, several templates' worth of state), each is still what it was made as."""
    from simulator import yamlio
    from simulator.istio.inject import _overlay

    cache = EngineCache()
    for state in _states():
        _all(state, cache)
    kept = [(k, v) for k, v in cache._table.items() if isinstance(k, tuple) and k[0] in ("overlay", "template-pod")]
    assert {k[0] for k, _ in kept} == {"overlay", "template-pod"}
    for (kind, text), value in kept:
        made = yamlio.load(text) if kind == "overlay" else _overlay({}, text, "", EngineCache())
        assert value == made, kind


def test_the_cache_stays_within_its_bound():
    states = _states()[:3]
    cache = EngineCache(max_entries=16)
    pods = [_deployment(f"app{i}", port=8000 + i) for i in range(30)]    # every pod renders its own text
    for state in states:
        for pod in pods:
            ours = explain(pod, "mesh", state, OPTIONS[0], cache)
            assert len(cache) <= 16
            assert ours == explain(pod, "mesh", state, OPTIONS[0], EngineCache())
    assert cache.hits > 0


def test_what_is_used_stays_and_what_is_not_goes_first():
    cache = EngineCache(max_entries=3)
    made = []

    def make(value):
        made.append(value)
        return value

    for key in ("a", "b", "c"):
        cache.recall(key, lambda key=key: make(key))
    cache.recall("a", lambda: make("a again"))   # a hit: "a" is now the most recently used
    cache.recall("d", lambda: make("d"))         # "b", the least recently used, goes
    cache.recall("a", lambda: make("a again"))
    cache.recall("b", lambda: make("b again"))
    assert made == ["a", "b", "c", "d", "b again"] and len(cache) == 3


def test_a_cluster_state_cannot_be_changed_in_place():
    state = _default_state()
    before = copy.deepcopy([state.namespaces["mesh"], list(state.configmaps), state.origins["Namespace"]])
    with pytest.raises(FrozenError):
        state.namespaces = {}
    with pytest.raises(TypeError):
        state.namespaces["new"] = {"metadata": {"name": "new"}}
    with pytest.raises(TypeError):
        del state.configmaps[("istio-system", "istio-sidecar-injector")]
    with pytest.raises(AttributeError):
        state.webhook_configurations.append({})
    with pytest.raises(TypeError):
        state.origins["Namespace"] = "elsewhere"
    state.namespace_labels("mesh")["istio-injection"] = "disabled"    # a copy: the state keeps its labels
    changed = state.with_objects([{"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": "mesh", "labels": {"team": "a"}}}], origin="watch")
    assert changed.namespace_labels("mesh") == {"team": "a", "kubernetes.io/metadata.name": "mesh"}
    assert changed.origins["Namespace"] == "watch"
    assert [state.namespaces["mesh"], list(state.configmaps), state.origins["Namespace"]] == before
    assert state.namespace_labels("mesh")["istio-injection"] == "enabled"


def test_a_state_built_from_objects_keeps_what_a_snapshot_lists():
    objects = [{"kind": "Namespace", "metadata": {"name": "a", "labels": {"v": "1"}}},
               {"kind": "Namespace", "metadata": {"name": "a", "labels": {"v": "2"}}},
               {"kind": "MutatingWebhookConfiguration", "metadata": {"name": "w"}, "webhooks": [{"name": "x.io"}]},
               {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "a"}},
               {"kind": "Secret", "metadata": {"name": "s", "namespace": "a"}}]
    state = ClusterState.from_objects(objects, {"Namespace": "snapshot.yaml"})
    assert state.namespace_labels("a")["v"] == "2"
    assert [r.name for r in state.webhooks()] == ["x.io"]
    assert state.admission_objects() == {"ServiceAccount": [objects[3]]}
    assert state.with_kind("MutatingWebhookConfiguration", []).webhooks() == ()
    assert [r.name for r in state.webhooks()] == ["x.io"]


@pytest.fixture
def often_switching_threads():
    """Threads switch as often as the interpreter allows, so that a race would show."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _in_threads(jobs):
    results = [None] * len(jobs)
    errors = []

    def run(i):
        try:
            results[i] = jobs[i]()
        except Exception as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_threads_with_one_cache_answer_as_one_thread_does(often_switching_threads):
    """The Istio 1.24.6 injector reads ENABLE_NATIVE_SIDECARS from its process environment: the webhook
    (istiod's environment, set by the chart's values) and kube-inject (istioctl's, empty) run the same
    compiled template with different environments, in each explanation of -o pod."""
    import json

    istio_1_24 = _release_state("1.24.6")
    key = ("istio-system", "istio-sidecar-injector")
    injector = copy.deepcopy(istio_1_24.configmaps[key])
    values = json.loads(injector["data"]["values"])
    values.setdefault("pilot", {})["env"] = {"ENABLE_NATIVE_SIDECARS": "true"}    # where 1.30's chart puts istiod's env
    injector["data"]["values"] = json.dumps(values)
    states = [istio_1_24.replace(configmaps={**istio_1_24.configmaps, key: injector}), _release_state("1.30.3")]
    sequential = [_all(state, EngineCache()) for state in states]
    shared = EngineCache()
    for _ in range(2):
        assert _in_threads([lambda state=state: _all(state, shared) for state in states * 2]) == sequential * 2
    webhook = sequential[0][0].pod["spec"]
    assert any(c["name"] == "istio-proxy" for c in webhook.get("initContainers") or [])    # istiod: native
    manifest = sequential[0][0].manifest["spec"]["template"]["spec"]
    assert any(c["name"] == "istio-proxy" for c in manifest["containers"])                # istioctl: not


def test_one_compiled_template_runs_with_each_executions_own_environment(often_switching_threads):
    from simulator.gotemplate import Template
    from simulator.istio.funcs import injection_funcs

    template = Template('{{ range $i := until 200 }}{{ env "WHO" "nobody" }} {{ end }}', funcs=injection_funcs())

    def run(who):
        return lambda: {template.execute({}, env={"WHO": who} if who else None) for _ in range(20)}

    whos = ("istiod", "istioctl", "", "istiod", "istioctl")
    outputs = _in_threads([run(who) for who in whos])
    assert outputs == [{((who or "nobody") + " ") * 200} for who in whos]
