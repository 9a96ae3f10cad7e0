"""Large inputs are explained by forked workers (plugin/runtime/bulk.py): what a user sees - output, messages,
exit status - must not depend on how many processes did the work."""
import json
import os
import subprocess
import sys

import pytest
import yaml

from plugin.runtime import bulk

from .conftest import REPO, run_cli


def _fleet(tmp_path, n):
    docs = []
    for i in range(n):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"web-{i}", "labels": {"app": f"a{i % 7}"}},
               "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 8000 + i}]}]}}
        if i % 9 == 0:
            pod["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
        if i % 25 == 3:
            pod["metadata"]["namespace"] = "nowhere"     # not in the cluster state: an error for this one
        docs.append(pod)
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump_all(docs))
    return str(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
@pytest.mark.parametrize("output", ["json", "text", "pod"])
def test_workers_change_nothing_but_speed(tmp_path, output):
    path = _fleet(tmp_path, bulk.MIN_PARALLEL + 40)
    assert bulk.workers_for(bulk.MIN_PARALLEL + 40, {"KUBECTL_INJECT_WORKERS": "2"}) == 2
    runs = [run_cli("explain", "-f", path, "-o", output, "--ns-label", "istio-injection=enabled",
                    environ={"KUBECTL_INJECT_WORKERS": w, "KUBECTL_INJECT_CACHE": "off"}) for w in ("1", "2")]
    one, two = runs
    assert one.status == two.status == 2                      # the pods in "nowhere" are errors
    assert one.stderr == two.stderr and "nowhere" in one.stderr
    assert one.stdout == two.stdout and one.stdout


def test_small_inputs_stay_in_process():
    assert bulk.workers_for(bulk.MIN_PARALLEL - 1, {"KUBECTL_INJECT_WORKERS": "8"}) == 1
    assert bulk.workers_for(10_000, {"KUBECTL_INJECT_WORKERS": "1"}) == 1
    assert bulk.workers_for(10_000, {"KUBECTL_INJECT_WORKERS": "3"}) == 3


def _work(n):
    """A Work of n small pods, each explained against the embedded cluster state."""
    from simulator import EngineCache, Options
    from plugin.state.sources import load_cluster_state

    state = load_cluster_state([])[0]
    jobs = [(_Doc({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"app": f"a{i % 5}"}},
                   "spec": {"containers": [{"name": "web", "image": "nginx"}]}}), "mesh" if i % 2 else "default")
            for i in range(n)]
    return bulk.Work(jobs, state, Options(), EngineCache(), finish=lambda doc, expl: expl.verdict.value)


class _Doc:
    def __init__(self, obj):
        self.obj = obj


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
def test_forked_workers_get_their_inputs_from_the_work_they_are_given():
    """Two runs in one process, each with its own inputs, forked or not: each sees only its own."""
    first, second = _work(70), _work(50)
    second.jobs[:] = [(doc, "mesh") for doc, _ in second.jobs]
    forked = bulk.explain_all(first, 3), bulk.explain_all(second, 2)
    in_process = bulk.explain_all(first, 1), bulk.explain_all(second, 1)
    assert forked == in_process
    assert [r for r, _ in forked[0]] == ["injected" if i % 2 else "not-injected" for i in range(70)]
    assert [r for r, _ in forked[1]] == ["injected"] * 50


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
def test_a_failure_in_a_worker_is_raised_in_the_parent_not_a_hang():
    work = _work(60)

    def finish(doc, expl):
        if doc.obj["metadata"]["name"] == "p41":
            raise RuntimeError("a bug in printing p41")
        return expl.verdict.value

    with pytest.raises(RuntimeError, match="p41"):
        bulk.explain_all(work.replace(finish=finish), 3)


def test_a_process_with_other_threads_does_not_fork():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not bulk.can_fork()
        results = bulk.explain_all(_work(40), 4)      # explained in-process instead
    finally:
        stop.set()
        thread.join()
    assert len(results) == 40 and all(e is None for _, e in results)


def _in_fresh_python(code):
    """stdout of `code` run by a new interpreter in the checkout (with no thread but its main one)."""
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                          timeout=120).stdout


_SLOW_WORKER = """
import json, os, sys, time
from plugin.runtime import bulk

def at(i):
    if 1 <= i <= 8:
        time.sleep(0.2)
    return os.getpid(), i

print(json.dumps([os.getpid(), list(bulk.in_order(at, 200, 2))]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
def test_a_slow_worker_is_not_waited_for_with_a_fixed_share():
    """Work goes to whichever worker is free: one held up by slow objects takes fewer, and every position
    comes back once, in order (a fixed half each would leave the other core idle).  In a process of its
    own: this one may have threads, and then nothing forks."""
    parent, results = json.loads(_in_fresh_python(_SLOW_WORKER))
    assert [i for _, i in results] == list(range(200))
    slow = results[1][0]
    assert slow != parent
    assert sum(1 for pid, _ in results if pid == slow) < 200 // 3


_STOP_EARLY = """
import json, multiprocessing
from plugin.runtime import bulk

results = bulk.in_order(lambda i: i, 500, 2)
first = [next(results) for _ in range(10)]
forked = len(multiprocessing.active_children())
results.close()
print(json.dumps([first, forked, len(multiprocessing.active_children())]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
def test_a_consumer_that_stops_early_ends_the_workers():
    """(In a process of its own, for the reason above.)"""
    first, forked, left = json.loads(_in_fresh_python(_STOP_EARLY))
    assert first == list(range(10))
    assert forked == 2 and left == 0
